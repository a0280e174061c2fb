package netguard

import (
	"net/netip"
	"slices"
	"testing"
)

func TestParseAllowList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{" , ,", nil},
		{"127.0.0.0/8", []string{"127.0.0.0/8"}},
		{"127.0.0.0/8, 10.1.2.3 ,fd00::/8", []string{"127.0.0.0/8", "10.1.2.3/32", "fd00::/8"}},
		{"10.1.2.3/16", []string{"10.1.0.0/16"}},
		{"::1", []string{"::1/128"}},
		{"::ffff:10.0.0.0/104", []string{"10.0.0.0/8"}},
		{"::ffff:127.0.0.1", []string{"127.0.0.1/32"}},
	}
	for _, tt := range tests {
		got, err := ParseAllowList(tt.in)
		if err != nil {
			t.Errorf("ParseAllowList(%q): %v", tt.in, err)
			continue
		}
		var want []netip.Prefix
		for _, w := range tt.want {
			want = append(want, netip.MustParsePrefix(w))
		}
		if !slices.Equal(got, want) {
			t.Errorf("ParseAllowList(%q) = %v, want %v", tt.in, got, want)
		}
	}
	for _, bad := range []string{"localhost", "10.0.0.0/33", "10.0.0", "127.0.0.1,nope", "fe80::1%eth0"} {
		if _, err := ParseAllowList(bad); err == nil {
			t.Errorf("ParseAllowList(%q) succeeded, want an error", bad)
		}
	}
}
