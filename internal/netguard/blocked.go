package netguard

import (
	"fmt"
	"net/netip"
)

// BlockedError reports a connection refused because its address is internal and not allowed.
type BlockedError struct {
	// Addr is the address that was refused, as dialed.
	Addr netip.Addr
	// Range is the blocked range that holds Addr (or the IPv4 address embedded in it).
	Range netip.Prefix
	// Kind names that range, e.g. "loopback" or "private".
	Kind string
}

// Error names the address, why it is refused and how an admin can allow it.
func (e *BlockedError) Error() string {
	if !e.Range.IsValid() {
		return fmt.Sprintf("address %s is not a valid destination", e.Addr)
	}
	return fmt.Sprintf("address %s is in a private range (%s %s); an admin can allow it with %s",
		e.Addr, e.Kind, e.Range, AllowEnv)
}

// blockedRange is one refused range and its name.
type blockedRange struct {
	prefix netip.Prefix
	kind   string
}

// blockedRanges are the destinations refused unless allowed. IPv6 addresses
// that embed an IPv4 address (see embeddedIPv4) are also checked through that
// address, so the IPv4 entries cover those forms too.
var blockedRanges = []blockedRange{
	// IPv4 (RFC 6890 and friends).
	{netip.MustParsePrefix("0.0.0.0/8"), "unspecified (this network)"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space (CGNAT)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local (cloud metadata)"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved (incl. broadcast)"},
	// IPv6.
	{netip.MustParsePrefix("::/128"), "unspecified"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible (deprecated)"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use NAT64"},
	{netip.MustParsePrefix("100::/64"), "discard-only"},
	{netip.MustParsePrefix("fc00::/7"), "unique local (ULA)"},
	{netip.MustParsePrefix("fe80::/10"), "link-local"},
	{netip.MustParsePrefix("fec0::/10"), "site-local (deprecated)"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}

var (
	nat64      = netip.MustParsePrefix("64:ff9b::/96")
	compatible = netip.MustParsePrefix("::/96")
	translated = netip.MustParsePrefix("::ffff:0:0:0/96")
	sixToIV    = netip.MustParsePrefix("2002::/16")
	teredo     = netip.MustParsePrefix("2001::/32")
)

// Check returns nil if addr may be dialed, or a *BlockedError if it is internal and not covered by allow.
//
// An address is checked as itself and as every IPv4 address it embeds; it
// passes if any of these is allowed, and is refused if any lies in a blocked range.
func Check(addr netip.Addr, allow []netip.Prefix) error {
	if !addr.IsValid() {
		return &BlockedError{Addr: addr}
	}
	dialed := addr
	addr = addr.WithZone("").Unmap()
	candidates := append([]netip.Addr{addr}, embeddedIPv4(addr)...)
	for _, a := range candidates {
		if allowed(a, allow) {
			return nil
		}
	}
	for _, a := range candidates {
		for _, r := range blockedRanges {
			if r.prefix.Contains(a) {
				return &BlockedError{Addr: dialed, Range: r.prefix, Kind: r.kind}
			}
		}
	}
	return nil
}

// allowed reports whether addr lies in one of the allowed prefixes.
func allowed(addr netip.Addr, allow []netip.Prefix) bool {
	for _, p := range allow {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// embeddedIPv4 returns the IPv4 addresses an IPv6 address carries: in its low
// 32 bits for IPv4-compatible (::/96), SIIT-translated (::ffff:0:0:0/96) and
// NAT64 (64:ff9b::/96) addresses; in bits 16-47 for 6to4 (2002::/16); and for
// Teredo (2001::/32) the server in bits 32-63 and the client, inverted, in the
// low 32 bits. (IPv4-mapped ::ffff:a.b.c.d is unmapped before this is asked.)
func embeddedIPv4(a netip.Addr) []netip.Addr {
	if !a.Is6() {
		return nil
	}
	b := a.As16()
	low := netip.AddrFrom4([4]byte(b[12:16]))
	switch {
	case nat64.Contains(a), compatible.Contains(a), translated.Contains(a):
		return []netip.Addr{low}
	case sixToIV.Contains(a):
		return []netip.Addr{netip.AddrFrom4([4]byte(b[2:6]))}
	case teredo.Contains(a):
		client := [4]byte{^b[12], ^b[13], ^b[14], ^b[15]}
		return []netip.Addr{netip.AddrFrom4([4]byte(b[4:8])), netip.AddrFrom4(client)}
	}
	return nil
}
