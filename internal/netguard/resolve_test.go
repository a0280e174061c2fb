package netguard

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
)

func TestCheckHost(t *testing.T) {
	loopback := mustParseAllowList(t, "127.0.0.0/8,::1")
	for _, host := range []string{"127.0.0.1", "::ffff:7f00:1", "169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:a00:5::", "localhost"} {
		var be *BlockedError
		if err := CheckHost(t.Context(), host, nil); !errors.As(err, &be) {
			t.Errorf("CheckHost(%q) = %v, want a *BlockedError", host, err)
		}
	}
	if err := CheckHost(t.Context(), "localhost", loopback); err != nil {
		t.Errorf("CheckHost(localhost) with loopback allowed = %v", err)
	}
	for _, host := range []string{"8.8.8.8", "2606:4700:4700::1111", "nonexistent.invalid"} {
		if err := CheckHost(t.Context(), host, nil); err != nil {
			t.Errorf("CheckHost(%q) = %v, want nil", host, err)
		}
	}
}

// TestMessageHidesTheNetwork checks no resolver or dialed address reaches the message.
func TestMessageHidesTheNetwork(t *testing.T) {
	dnsErr := func(notFound, timeout bool) error {
		return &url.Error{Op: "Post", URL: "http://hooks.example/x", Err: &net.OpError{Op: "dial", Net: "tcp",
			Err: &net.DNSError{Err: "dial udp 10.0.0.2:53: connect: network is unreachable", Name: "hooks.example",
				Server: "127.0.0.53:53", IsNotFound: notFound, IsTimeout: timeout}}}
	}
	refused := &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 9), Port: 53},
		Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	tests := []struct {
		err  error
		want string
	}{
		{dnsErr(true, false), "host hooks.example not found"},
		{dnsErr(false, true), "looking up host hooks.example timed out"},
		{fmt.Errorf("ml backend: %w", dnsErr(false, false)), "host hooks.example could not be looked up"},
		{&url.Error{Op: "Get", URL: "http://x/", Err: refused}, "the connection failed (connection refused)"},
		{fmt.Errorf("x: %w", ErrTooManyRedirects), "too many redirects"},
		{errors.New("the receiver answered 503 Service Unavailable"), "the receiver answered 503 Service Unavailable"},
	}
	for _, tt := range tests {
		got := Message(tt.err)
		if got != tt.want {
			t.Errorf("Message(%v) = %q, want %q", tt.err, got, tt.want)
		}
		for _, leak := range []string{"10.0.0.2", "127.0.0.53", "10.0.0.9", ":53"} {
			if strings.Contains(got, leak) {
				t.Errorf("Message(%v) = %q shows %s", tt.err, got, leak)
			}
		}
	}

	// A real refused connection: the dialed address and port stay out.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = NewClient(Options{Allow: mustParseAllowList(t, "127.0.0.0/8")}).Get("http://" + addr + "/")
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("GET from a closed port: %v, want an error naming %s", err, addr)
	}
	if got := Message(err); got != "the connection failed (connection refused)" {
		t.Errorf("Message(%v) = %q", err, got)
	}
	// A real refusal keeps its reason.
	_, err = NewClient(Options{}).Get("http://" + addr + "/")
	if got := Message(err); !strings.Contains(got, "loopback") || !strings.Contains(got, AllowEnv) {
		t.Errorf("Message(%v) = %q, want the refusal", err, got)
	}
}
