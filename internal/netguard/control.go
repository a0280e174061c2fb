package netguard

import (
	"fmt"
	"net/netip"
	"syscall"
)

// Control returns a net.Dialer Control function that refuses internal addresses not covered by allow.
//
// The dialer calls it with the literal IP and port of each connection attempt,
// after the socket is created and before it connects, so nothing is sent to a
// refused address.
func Control(allow []netip.Prefix) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("netguard: refusing to dial %s %q: not an IP address and port", network, address)
		}
		return Check(ap.Addr(), allow)
	}
}
