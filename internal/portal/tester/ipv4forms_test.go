package tester

import (
	"net/netip"
	"testing"
)

func TestLooseIPv4(t *testing.T) {
	t.Parallel()
	tests := []struct {
		host string
		want string // "" = not an IPv4 form: a name for DNS
	}{
		{"127.0.0.1", "127.0.0.1"},
		{"127.0.0.1.", "127.0.0.1"},
		{"2130706433", "127.0.0.1"},
		{"0x7f000001", "127.0.0.1"},
		{"0X7F000001", "127.0.0.1"},
		{"017700000001", "127.0.0.1"},
		{"0177.0.0.1", "127.0.0.1"},
		{"0x7f.0.0.1", "127.0.0.1"},
		{"0x7f.1", "127.0.0.1"},
		{"127.1", "127.0.0.1"},
		{"127.0.1", "127.0.0.1"},
		{"127.0.0x0.01", "127.0.0.1"},
		{"0", "0.0.0.0"},
		{"0x", "0.0.0.0"},
		{"2852039166", "169.254.169.254"},
		{"0xa9.0xfe.0xa9.0xfe", "169.254.169.254"},
		{"169.16689662", "169.254.169.254"},
		{"10.1", "10.0.0.1"},
		{"4294967295", "255.255.255.255"},
		{"4294967296", ""},
		{"256.0.0.1", ""},
		{"1.2.3.4.5", ""},
		{"127.0.0.0x100", ""},
		{"08.0.0.1", ""}, // 8 is not an octal digit
		{"0x7g.0.0.1", ""},
		{"-1", ""},
		{"+1.2.3.4", ""},
		{"1..2", ""},
		{".", ""},
		{"", ""},
		{"localhost", ""},
		{"1.example", ""},
		{"connector.example.test", ""},
		{"::1", ""},
	}
	for _, tc := range tests {
		got, ok := looseIPv4(tc.host)
		switch {
		case tc.want == "" && ok:
			t.Errorf("looseIPv4(%q) = %s, want no address", tc.host, got)
		case tc.want != "" && (!ok || got != netip.MustParseAddr(tc.want)):
			t.Errorf("looseIPv4(%q) = %s, %t; want %s", tc.host, got, ok, tc.want)
		}
	}
}
