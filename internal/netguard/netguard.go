// Package netguard builds outbound HTTP clients that refuse to connect to
// loopback, private, link-local and other internal addresses, so that a URL
// taken from task data or an ML backend's address cannot reach the machine
// itself, the local network or a cloud metadata service.
//
// The check runs in the net.Dialer's Control function, on the literal IP
// address of every connection attempt, after DNS resolution and before any
// packet is sent. A hostname that resolves (or re-resolves, as in DNS
// rebinding) to an internal address, and a redirect to one, are therefore
// refused just like a literal internal address. Admins may allow ranges with
// Options.Allow, typically parsed from CONCORD_ALLOW_PRIVATE_NETWORKS by
// ParseAllowList.
package netguard

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"time"
)

// AllowEnv is the environment variable through which an admin allows internal ranges.
const AllowEnv = "CONCORD_ALLOW_PRIVATE_NETWORKS"

// Defaults used when the matching Options field is zero.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxRedirects = 5
	dialTimeout         = 10 * time.Second
)

// Options configures a guarded client.
type Options struct {
	// Allow lists the internal ranges an admin allowed (e.g. 127.0.0.0/8).
	Allow []netip.Prefix
	// Timeout bounds a whole request, redirects and body included; zero means DefaultTimeout.
	Timeout time.Duration
	// MaxRedirects is how many redirects are followed; zero means
	// DefaultMaxRedirects and a negative value refuses every redirect.
	MaxRedirects int
}

// NewClient returns an HTTP client whose every connection goes through the guard.
func NewClient(opts Options) *http.Client {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &http.Client{
		Transport:     NewTransport(opts),
		Timeout:       timeout,
		CheckRedirect: redirectPolicy(opts.MaxRedirects),
	}
}

// NewTransport returns an HTTP transport that dials only through the guard and never uses a proxy.
//
// A proxy is deliberately not supported: through one, the dialed address would
// be the proxy's and the real destination would escape the check.
func NewTransport(opts Options) *http.Transport {
	return &http.Transport{
		Proxy:                 nil,
		DialContext:           NewDialer(opts).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}
}

// NewDialer returns a net.Dialer whose Control function refuses internal addresses not in opts.Allow.
func NewDialer(opts Options) *net.Dialer {
	return &net.Dialer{
		Timeout:   dialTimeout,
		KeepAlive: 30 * time.Second,
		Control:   Control(opts.Allow),
	}
}

// ErrTooManyRedirects is returned (wrapped) when a response chain exceeds the redirect limit.
var ErrTooManyRedirects = errors.New("netguard: too many redirects")

// redirectPolicy stops after max redirects and refuses schemes other than http and https.
func redirectPolicy(limit int) func(*http.Request, []*http.Request) error {
	if limit == 0 {
		limit = DefaultMaxRedirects
	}
	limit = max(limit, -1)
	return func(req *http.Request, via []*http.Request) error {
		// via holds the original request and the redirects already followed,
		// so req is redirect number len(via).
		if len(via) > limit {
			return fmt.Errorf("%w (limit %d)", ErrTooManyRedirects, max(limit, 0))
		}
		if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
			return fmt.Errorf("netguard: redirect to unsupported scheme %q", req.URL.Scheme)
		}
		return nil
	}
}
