package backend

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Sentinel causes carried by *Error, for errors.Is.
var (
	// ErrTimeout means an attempt got no full answer within its timeout.
	ErrTimeout = errors.New("no answer in time")
	// ErrNotJSON means the answer was not valid JSON.
	ErrNotJSON = errors.New("answer is not JSON")
	// ErrTooLarge means the answer exceeded Options.MaxResponseBytes.
	ErrTooLarge = errors.New("answer too large")
	// ErrProtocol means valid JSON of the wrong shape for the call.
	ErrProtocol = errors.New("unexpected answer")
	// ErrResultCount means /predict answered a different number of results
	// than tasks sent; backends without batch support answer one result, so
	// the caller may retry task by task.
	ErrResultCount = fmt.Errorf("%w: result count differs from task count", ErrProtocol)
	// ErrUnhealthy means /health answered but did not report status "UP".
	ErrUnhealthy = errors.New("backend is not UP")
)

// excerptLen bounds the body excerpt kept in an *Error.
const excerptLen = 200

// Error is a failed call to an ML backend.
type Error struct {
	// URL is the endpoint that was called.
	URL string
	// Status is the HTTP status of the answer, or 0 when there was none.
	Status int
	// Body is a short excerpt of the answer's body.
	Body string
	// Err is the cause, if any beyond the status.
	Err error
}

// Error reads "ml backend URL: HTTP 503 Service Unavailable: "excerpt"" or "ml backend URL: cause".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("ml backend ")
	b.WriteString(e.URL)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d %s", e.Status, http.StatusText(e.Status))
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Body != "" {
		fmt.Fprintf(&b, ": body %q", e.Body)
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// excerpt returns the start of body on one line, cut at a rune boundary.
func excerpt(body []byte) string {
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(body[:min(len(body), 4*excerptLen)]), "\uFFFD")), " ")
	if len(s) <= excerptLen {
		return s
	}
	cut := excerptLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// protocolError reports valid JSON of the wrong shape from a route.
func (c *Client) protocolError(route string, ans answer, format string, args ...any) error {
	return &Error{URL: c.endpoint(route), Status: ans.status, Body: excerpt(ans.body),
		Err: fmt.Errorf("%w: %s", ErrProtocol, fmt.Sprintf(format, args...))}
}
