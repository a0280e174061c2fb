package backend

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	neturl "net/url"
	"strconv"
	"time"

	"concord/internal/netguard"
)

// call describes one request to a backend route.
type call struct {
	method  string
	route   string
	body    any // marshalled as JSON; nil sends no body
	timeout time.Duration
	retry   bool // the call changes nothing on the backend and may be repeated
}

// answer is a successful answer: its status and JSON body (nil for 204 No Content).
type answer struct {
	status int
	body   json.RawMessage
}

// do runs cl, retrying it when allowed.
func (c *Client) do(ctx context.Context, cl call) (answer, error) {
	url := c.endpoint(cl.route)
	var body []byte
	if cl.body != nil {
		var err error
		if body, err = json.Marshal(cl.body); err != nil {
			return answer{}, &Error{URL: url, Err: fmt.Errorf("encoding the request: %w", err)}
		}
	}
	attempts := 1
	if cl.retry {
		attempts = c.opts.MaxAttempts
	}
	for attempt := 1; ; attempt++ {
		ans, retryAfter, err := c.attempt(ctx, cl, url, body)
		if err == nil {
			return ans, nil
		}
		if attempt >= attempts || ctx.Err() != nil || !retryable(err) {
			if attempt > 1 {
				err = fmt.Errorf("%w (after %d attempts)", err, attempt)
			}
			return answer{}, err
		}
		wait := c.backoff(attempt)
		if retryAfter > 0 {
			wait = min(retryAfter, c.opts.BackoffMax)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return answer{}, fmt.Errorf("%w (gave up waiting to retry after attempt %d: %w)", ctx.Err(), attempt, err)
		case <-t.C:
		}
	}
}

// attempt makes one request; it returns the answer, or an *Error and
// the wait the backend asked for in Retry-After.
func (c *Client) attempt(ctx context.Context, cl call, url string, body []byte) (answer, time.Duration, error) {
	actx, cancel := context.WithTimeout(ctx, cl.timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(actx, cl.method, url, rd)
	if err != nil {
		return answer{}, 0, &Error{URL: url, Err: err}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.opts.UserAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.opts.BasicAuthUser != "" && c.opts.BasicAuthPassword != "" {
		req.SetBasicAuth(c.opts.BasicAuthUser, c.opts.BasicAuthPassword)
	}

	resp, err := c.hc.Do(req)
	if err != nil {
		return answer{}, 0, &Error{URL: url, Err: c.transportError(ctx, actx, cl, err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxResponseBytes+1))
	if err != nil {
		return answer{}, 0, &Error{URL: url, Status: resp.StatusCode, Err: c.transportError(ctx, actx, cl, err)}
	}
	if int64(len(data)) > c.opts.MaxResponseBytes {
		return answer{}, 0, &Error{URL: url, Status: resp.StatusCode, Body: excerpt(data),
			Err: fmt.Errorf("%w: more than %d bytes", ErrTooLarge, c.opts.MaxResponseBytes)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return answer{}, retryAfter(resp.Header.Get("Retry-After")), &Error{URL: url, Status: resp.StatusCode, Body: excerpt(data)}
	}
	if resp.StatusCode == http.StatusNoContent {
		return answer{status: resp.StatusCode}, 0, nil
	}
	if !json.Valid(data) {
		return answer{}, 0, &Error{URL: url, Status: resp.StatusCode, Body: excerpt(data),
			Err: fmt.Errorf("%w (Content-Type %q)", ErrNotJSON, resp.Header.Get("Content-Type"))}
	}
	return answer{status: resp.StatusCode, body: data}, 0, nil
}

// transportError names a timeout of the attempt as ErrTimeout and leaves other errors as they are.
func (c *Client) transportError(ctx, actx context.Context, cl call, err error) error {
	if ue, ok := err.(*neturl.Error); ok {
		err = ue.Err // the *Error names the URL already
	}
	if ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w (%v): %w", ErrTimeout, cl.timeout, err)
	}
	var ne net.Error
	if ctx.Err() == nil && errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	return err
}

// retryable reports whether a failed attempt may succeed if repeated.
func retryable(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	if e.Status != 0 && e.Err == nil {
		return e.Status >= 500 || e.Status == http.StatusTooManyRequests
	}
	if e.Status != 0 { // an answer that was too large or not JSON
		return false
	}
	var blocked *netguard.BlockedError
	switch {
	case errors.As(e.Err, &blocked), errors.Is(e.Err, netguard.ErrTooManyRedirects):
		return false
	case errors.Is(e.Err, ErrTimeout), errors.Is(e.Err, io.EOF), errors.Is(e.Err, io.ErrUnexpectedEOF):
		return true
	}
	var op *net.OpError // refused or reset connections: the backend may be restarting
	return errors.As(e.Err, &op)
}

// backoff returns the wait after the given attempt: exponential, capped, with jitter in [d/2, d).
func (c *Client) backoff(attempt int) time.Duration {
	d := c.opts.BackoffBase
	for i := 1; i < attempt && d < c.opts.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, c.opts.BackoffMax)
	half := d / 2
	return half + rand.N(half+1)
}

// retryAfter parses a Retry-After header given in seconds; dates are ignored.
func retryAfter(h string) time.Duration {
	secs, err := strconv.Atoi(h)
	if err != nil || secs < 0 {
		return 0
	}
	return time.Duration(secs) * time.Second
}
