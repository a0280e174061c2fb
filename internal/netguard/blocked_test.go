package netguard

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	private := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	tests := []struct {
		addr    string
		allow   []netip.Prefix
		blocked bool
	}{
		// Public addresses pass.
		{"93.184.216.34", nil, false},
		{"8.8.8.8", nil, false},
		{"2606:4700:4700::1111", nil, false},
		{"::ffff:8.8.8.8", nil, false},
		{"64:ff9b::808:808", nil, false}, // NAT64 of 8.8.8.8
		{"2002:808:808::1", nil, false},  // 6to4 of 8.8.8.8
		{"100.63.255.255", nil, false},   // just below CGNAT
		{"100.128.0.0", nil, false},      // just above CGNAT
		{"172.15.255.255", nil, false},   // just below 172.16/12
		{"172.32.0.0", nil, false},       // just above 172.16/12
		{"169.253.255.255", nil, false},  // just below link-local
		{"11.0.0.1", nil, false},

		// IPv4 internal ranges.
		{"127.0.0.1", nil, true},
		{"127.255.255.254", nil, true},
		{"10.0.0.5", nil, true},
		{"172.16.0.1", nil, true},
		{"172.31.255.255", nil, true},
		{"192.168.1.1", nil, true},
		{"169.254.169.254", nil, true}, // cloud metadata
		{"169.254.0.1", nil, true},
		{"100.64.0.1", nil, true},
		{"100.127.255.255", nil, true},
		{"0.0.0.0", nil, true},
		{"0.1.2.3", nil, true},
		{"224.0.0.1", nil, true},
		{"239.255.255.250", nil, true},
		{"255.255.255.255", nil, true},
		{"240.0.0.1", nil, true},
		{"198.18.0.1", nil, true},
		{"192.0.0.8", nil, true},

		// IPv6 internal ranges.
		{"::1", nil, true},
		{"::", nil, true},
		{"fc00::1", nil, true},
		{"fd12:3456:789a::1", nil, true},
		{"fe80::1", nil, true},
		{"fe80::1%eth0", nil, true},
		{"febf:ffff::1", nil, true},
		{"fec0::1", nil, true},
		{"ff02::1", nil, true},
		{"100::1", nil, true},
		{"64:ff9b:1::1", nil, true},

		// IPv4 internal addresses in IPv6 clothing.
		{"::ffff:127.0.0.1", nil, true},
		{"::ffff:10.0.0.5", nil, true},
		{"::ffff:169.254.169.254", nil, true},
		{"::ffff:192.168.0.1", nil, true},
		{"::ffff:100.64.0.1", nil, true},
		{"::ffff:0.0.0.0", nil, true},
		{"::127.0.0.1", nil, true},                           // IPv4-compatible
		{"64:ff9b::a00:5", nil, true},                        // NAT64 of 10.0.0.5
		{"64:ff9b::a9fe:a9fe", nil, true},                    // NAT64 of 169.254.169.254
		{"2002:7f00:1::1", nil, true},                        // 6to4 of 127.0.0.1
		{"2002:a9fe:a9fe::", nil, true},                      // 6to4 of 169.254.169.254
		{"::ffff:7f00:1", nil, true},                         // 127.0.0.1 written in hex
		{"0:0:0:0:0:ffff:0a00:0005", nil, true},              // 10.0.0.5 in full form
		{"::FFFF:A9FE:A9FE", nil, true},                      // 169.254.169.254, upper-case hex
		{"::ffff:c0a8:101", nil, true},                       // 192.168.1.1 in hex
		{"::7f00:1", nil, true},                              // IPv4-compatible 127.0.0.1 in hex
		{"::a9fe:a9fe", nil, true},                           // IPv4-compatible 169.254.169.254
		{"::ffff:0:7f00:1", nil, true},                       // SIIT-translated 127.0.0.1
		{"::ffff:0:10.0.0.5", nil, true},                     // SIIT-translated 10.0.0.5
		{"64:ff9b::127.0.0.1", nil, true},                    // NAT64, dotted
		{"64:ff9b::7f00:1", nil, true},                       // NAT64 of 127.0.0.1 in hex
		{"64:ff9b::c0a8:1", nil, true},                       // NAT64 of 192.168.0.1
		{"64:ff9b:1::a00:5", nil, true},                      // local-use NAT64
		{"2002:0a00:0005::", nil, true},                      // 6to4 of 10.0.0.5
		{"2002:c0a8:101:1::1", nil, true},                    // 6to4 of 192.168.1.1
		{"2002:6440:1::", nil, true},                         // 6to4 of 100.64.0.1
		{"2001:0:4136:e378:8000:63bf:80ff:fffe", nil, true},  // Teredo, client 127.0.0.1
		{"2001:0:4136:e378:8000:63bf:f5ff:fffa", nil, true},  // Teredo, client 10.0.0.5
		{"2001::5601:5601", nil, true},                       // Teredo, client 169.254.169.254
		{"2001:0:a00:1::f7f7:f7f7", nil, true},               // Teredo, server 10.0.0.1
		{"2001:0:4136:e378:8000:63bf:f7f7:f7f7", nil, false}, // Teredo of 65.54.227.120 and 8.8.8.8
		{"64:ff9b::8.8.8.8", nil, false},                     // NAT64 of a public address
		{"fe80::a9fe:a9fe", nil, true},
		{"fe80::1%25eth0", nil, true},
		{"ff05::2", nil, true},
		{"ff0e::1", nil, true},
		{"fd00:ec2::254", nil, true}, // AWS's IPv6 metadata address
		{"::ffff:255.255.255.255", nil, true},
		{"::ffff:224.0.0.251", nil, true},

		// The allow list opens exactly what it names.
		{"127.0.0.1", loopback, false},
		{"127.1.2.3", loopback, false},
		{"::ffff:127.0.0.1", loopback, false},
		{"::1", loopback, true},
		{"10.0.0.1", loopback, true},
		{"10.9.8.7", private, false},
		{"::ffff:10.9.8.7", private, false},
		{"64:ff9b::a09:807", private, false},                     // NAT64 of 10.9.8.7
		{"2002:a09:807::1", private, false},                      // 6to4 of 10.9.8.7
		{"2001:0:4136:e378:8000:63bf:f5f6:f7f8", private, false}, // Teredo client 10.9.8.7
		{"::7f00:1", loopback, false},
		{"2001:0:4136:e378:8000:63bf:80ff:fffe", private, true},
		{"fd00::5", private, false},
		{"fc00::5", private, true},
		{"192.168.0.1", private, true},
		{"169.254.169.254", private, true},
	}
	for _, tt := range tests {
		addr := netip.MustParseAddr(tt.addr)
		err := Check(addr, tt.allow)
		if got := err != nil; got != tt.blocked {
			t.Errorf("Check(%s, %v) = %v, want blocked=%v", tt.addr, tt.allow, err, tt.blocked)
			continue
		}
		if err != nil {
			var be *BlockedError
			if !errors.As(err, &be) {
				t.Errorf("Check(%s): error %T is not a *BlockedError", tt.addr, err)
			} else if be.Addr != addr {
				t.Errorf("Check(%s): BlockedError.Addr = %s", tt.addr, be.Addr)
			}
		}
	}
}

func TestCheckInvalid(t *testing.T) {
	var be *BlockedError
	if err := Check(netip.Addr{}, nil); !errors.As(err, &be) {
		t.Fatalf("Check(zero Addr) = %v, want a *BlockedError", err)
	}
}

func TestBlockedErrorMessage(t *testing.T) {
	err := Check(netip.MustParseAddr("10.0.0.5"), nil)
	if err == nil {
		t.Fatal("10.0.0.5 not blocked")
	}
	msg := err.Error()
	for _, want := range []string{"address 10.0.0.5 is in a private range", "10.0.0.0/8", "an admin can allow it with CONCORD_ALLOW_PRIVATE_NETWORKS"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

func TestControl(t *testing.T) {
	ctl := Control(nil)
	for _, address := range []string{"10.0.0.5:80", "[fd00::1]:443", "[::ffff:10.0.0.5]:80", "[fe80::1%eth0]:80", "169.254.169.254:80"} {
		var be *BlockedError
		if err := ctl("tcp", address, nil); !errors.As(err, &be) {
			t.Errorf("Control(%q) = %v, want a *BlockedError", address, err)
		}
	}
	if err := ctl("tcp", "8.8.8.8:53", nil); err != nil {
		t.Errorf("Control(8.8.8.8:53) = %v, want nil", err)
	}
	if err := ctl("tcp", "example.com:80", nil); err == nil {
		t.Error("Control accepted a hostname instead of an IP address")
	}
	if err := Control(mustParseAllowList(t, "127.0.0.0/8"))("tcp4", "127.0.0.1:8080", nil); err != nil {
		t.Errorf("Control with 127.0.0.0/8 allowed refused 127.0.0.1: %v", err)
	}
}

// mustParseAllowList parses s or fails the test.
func mustParseAllowList(t *testing.T, s string) []netip.Prefix {
	t.Helper()
	p, err := ParseAllowList(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
