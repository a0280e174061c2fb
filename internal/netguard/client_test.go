package netguard

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer starts an httptest server on listener l (127.0.0.1 when nil)
// and counts the connections it accepts.
func countingServer(t *testing.T, l net.Listener, h http.Handler) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(h)
	if l != nil {
		srv.Listener.Close()
		srv.Listener = l
	}
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

var hello = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") })

func TestClientRefusesLoopbackByDefault(t *testing.T) {
	srv, conns := countingServer(t, nil, hello)
	_, err := NewClient(Options{}).Get(srv.URL)
	var be *BlockedError
	if !errors.As(err, &be) {
		t.Fatalf("GET %s = %v, want a *BlockedError", srv.URL, err)
	}
	if be.Addr != netip.MustParseAddr("127.0.0.1") || be.Kind != "loopback" {
		t.Errorf("BlockedError = %+v", be)
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("server accepted %d connections, want 0", n)
	}
}

func TestClientReachesAllowedLoopback(t *testing.T) {
	srv, _ := countingServer(t, nil, hello)
	c := NewClient(Options{Allow: mustParseAllowList(t, "127.0.0.0/8")})
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatalf("GET %s with 127.0.0.0/8 allowed: %v", srv.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "hello" {
		t.Errorf("body = %q", body)
	}
}

func TestRedirectToBlockedHostRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	target, targetConns := countingServer(t, l, hello)
	origin, _ := countingServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/secret", http.StatusFound)
	}))

	// Only the origin is allowed; the redirect target is another loopback address.
	c := NewClient(Options{Allow: mustParseAllowList(t, "127.0.0.1/32")})
	_, err = c.Get(origin.URL)
	var be *BlockedError
	if !errors.As(err, &be) {
		t.Fatalf("GET %s (redirecting to %s) = %v, want a *BlockedError", origin.URL, target.URL, err)
	}
	if be.Addr != netip.MustParseAddr("127.0.0.2") {
		t.Errorf("refused %s, want 127.0.0.2", be.Addr)
	}
	if n := targetConns.Load(); n != 0 {
		t.Errorf("redirect target accepted %d connections, want 0", n)
	}
}

// TestPrivateDialRefusedBeforeConnect dials non-loopback internal addresses.
// No packet may leave the machine: the guard's Control function is checked
// first, and the dial must fail at once with a *BlockedError, not time out.
func TestPrivateDialRefusedBeforeConnect(t *testing.T) {
	targets := []string{"10.0.0.5:80", "169.254.169.254:80", "192.168.1.1:443", "100.64.0.1:80"}
	for _, target := range targets {
		if err := Control(nil)("tcp", target, nil); err == nil {
			t.Fatalf("Control does not refuse %s; not dialing it", target)
		}
	}

	d := NewDialer(Options{})
	for _, target := range targets {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		start := time.Now()
		conn, err := d.DialContext(ctx, "tcp", target)
		cancel()
		if conn != nil {
			conn.Close()
		}
		var be *BlockedError
		if !errors.As(err, &be) {
			t.Fatalf("dial %s = %v, want a *BlockedError", target, err)
		}
		if el := time.Since(start); el > time.Second {
			t.Errorf("dial %s took %v: refused late, not in Control", target, el)
		}
	}

	// Make sure the client is wired through the guard (a loopback server is
	// refused) before pointing it at non-loopback addresses.
	c := NewClient(Options{Timeout: 5 * time.Second})
	local, _ := countingServer(t, nil, hello)
	if _, err := c.Get(local.URL); err == nil {
		t.Fatal("client reached a loopback server; not sending it elsewhere")
	}
	for _, u := range []string{"http://10.0.0.5/", "http://169.254.169.254/latest/meta-data/", "http://[::ffff:10.0.0.5]/"} {
		start := time.Now()
		_, err := c.Get(u)
		var be *BlockedError
		if !errors.As(err, &be) {
			t.Fatalf("GET %s = %v, want a *BlockedError", u, err)
		}
		if el := time.Since(start); el > time.Second {
			t.Errorf("GET %s took %v: refused late, not in Control", u, el)
		}
	}
}

func TestRedirectLimit(t *testing.T) {
	var hits atomic.Int64
	var srv *httptest.Server
	srv, _ = countingServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, srv.URL+"/again", http.StatusFound)
	}))
	allow := mustParseAllowList(t, "127.0.0.0/8")

	_, err := NewClient(Options{Allow: allow, MaxRedirects: 2}).Get(srv.URL)
	if !errors.Is(err, ErrTooManyRedirects) {
		t.Fatalf("err = %v, want ErrTooManyRedirects", err)
	}
	if n := hits.Load(); n != 3 {
		t.Errorf("server saw %d requests, want 3 (the original and 2 redirects)", n)
	}

	hits.Store(0)
	_, err = NewClient(Options{Allow: allow, MaxRedirects: -1}).Get(srv.URL)
	if !errors.Is(err, ErrTooManyRedirects) || hits.Load() != 1 {
		t.Errorf("MaxRedirects -1: err = %v after %d requests, want ErrTooManyRedirects after 1", err, hits.Load())
	}
}

func TestClientTimeout(t *testing.T) {
	release := make(chan struct{})
	srv, _ := countingServer(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer close(release)
	c := NewClient(Options{Allow: mustParseAllowList(t, "127.0.0.1"), Timeout: 100 * time.Millisecond})
	start := time.Now()
	_, err := c.Get(srv.URL)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("timed out after %v, want about 100ms", el)
	}
}

func TestNoProxy(t *testing.T) {
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:1")
	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:1")
	if NewTransport(Options{}).Proxy != nil {
		t.Fatal("transport uses a proxy; the guard would check the proxy's address instead of the destination")
	}
}
