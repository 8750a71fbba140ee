package tester

import (
	"net/netip"
	"strings"
	"testing"
)

// The Azure platform endpoint is public address space but never a
// connector: refused in every mode.
func TestAzureWireserverIsRefused(t *testing.T) {
	t.Parallel()
	for _, p := range []policy{{}, {dev: true}} {
		if err := p.check(netip.MustParseAddr("168.63.129.16")); err == nil || !strings.Contains(err.Error(), "Azure") {
			t.Errorf("dev=%v: 168.63.129.16: %v", p.dev, err)
		}
	}
	if err := CheckEgress(netip.MustParseAddr("168.63.129.17")); err != nil {
		t.Errorf("its neighbour is public: %v", err)
	}
}

// Operator blocks apply in Dev mode too (they win over the loopback
// opening); the portal's own address is refused with its port only.
func TestOperatorDenyAndOwnAddresses(t *testing.T) {
	t.Parallel()
	p := policy{dev: true,
		deny: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32"), netip.MustParsePrefix("2001:db8:1::/48")},
		self: []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:8787"), netip.MustParseAddrPort("[::1]:8787")}}
	cases := []struct {
		ap   string
		want string // "" = allowed
	}{
		{"127.0.0.2:443", "operator denies"},
		{"[2001:db8:1::5]:443", "operator denies"},
		{"[::ffff:127.0.0.2]:443", "operator denies"},
		{"127.0.0.1:8787", "own listening address"},
		{"[::1]:8787", "own listening address"},
		{"127.0.0.1:8788", ""},
		{"127.0.0.3:8787", ""},
	}
	for _, c := range cases {
		err := p.checkAddrPort(netip.MustParseAddrPort(c.ap))
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v; want %q", c.ap, err, c.want)
		}
	}
}
