package netguard

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// resolveTimeout bounds the lookup CheckHost makes.
const resolveTimeout = 5 * time.Second

// CheckHost resolves host (a name or a literal address) and returns a
// *BlockedError if any of its addresses is refused, so that a URL can be
// refused when it is saved rather than each time it is used.
//
// A host that does not resolve now passes: it is checked again, address by
// address, whenever a guarded client dials it (DNS can change either way).
func CheckHost(ctx context.Context, host string, allow []netip.Prefix) error {
	if a, err := netip.ParseAddr(host); err == nil {
		return Check(a, allow)
	}
	ctx, cancel := context.WithTimeout(ctx, resolveTimeout)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if err := Check(a, allow); err != nil {
			return err
		}
	}
	return nil
}

// Message describes a failed outbound request without the details of the
// network below it: a resolver's address ("lookup x on 127.0.0.53:53"), the
// address dialed ("dial tcp 10.0.0.9:80") or a local port are left out, so
// the text can be shown to the user who gave the URL. Log err itself.
func Message(err error) string {
	var (
		blocked *BlockedError
		dns     *net.DNSError
		op      *net.OpError
		ne      net.Error
	)
	switch {
	case err == nil:
		return ""
	case errors.As(err, &blocked):
		return blocked.Error()
	case errors.Is(err, ErrTooManyRedirects):
		return "too many redirects"
	case errors.As(err, &dns) && dns.IsNotFound:
		return "host " + dns.Name + " not found"
	case errors.As(err, &dns) && dns.IsTimeout:
		return "looking up host " + dns.Name + " timed out"
	case errors.As(err, &dns):
		return "host " + dns.Name + " could not be looked up"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "the request timed out"
	case errors.As(err, &op):
		var errno syscall.Errno
		if errors.As(op.Err, &errno) {
			return "the connection failed (" + errno.Error() + ")"
		}
		return "the connection failed"
	}
	return err.Error()
}
