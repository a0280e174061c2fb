package netguard

import (
	"fmt"
	"net/netip"
	"strings"
)

// ParseAllowList parses a comma-separated list of CIDR prefixes or single addresses, such as "127.0.0.0/8, 10.1.2.3, fd00::/8".
//
// Blank entries are skipped, host bits are masked off, and IPv4-mapped IPv6
// prefixes (::ffff:10.0.0.0/104) become the IPv4 prefixes they denote.
func ParseAllowList(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for field := range strings.SplitSeq(s, ",") {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		p, err := parseEntry(field)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is neither an IP address nor a CIDR prefix (e.g. 127.0.0.0/8)", AllowEnv, field)
		}
		out = append(out, p)
	}
	return out, nil
}

// parseEntry parses one allow-list entry into a masked prefix.
func parseEntry(s string) (netip.Prefix, error) {
	var p netip.Prefix
	if strings.Contains(s, "/") {
		var err error
		if p, err = netip.ParsePrefix(s); err != nil {
			return netip.Prefix{}, err
		}
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		if a.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("zoned address")
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}
