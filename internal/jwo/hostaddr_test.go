package jwo

import (
	"net/netip"
	"strings"
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

// Every host the tester's dialer reads as an IP address is refused when a
// connector is saved, not saved as a custom domain that fails at dial time;
// the loopback ones name this machine.
func TestParseEndpointURLRefusesEveryIPSpelling(t *testing.T) {
	t.Parallel()
	for _, host := range []string{
		"0x7f.0.0.0x1", "0177.0.0.0x1", "169.254.169.0xfe", "0xa9.0xfe.0xa9.0xfe", "2852039166",
		"10.1", "0x0a000001", "203.0.113.7", "203.0.113.7.", "[2001:db8::1]", "[::ffff:169.254.169.254]",
	} {
		raw := "https://" + host + "/prod"
		_, err := ParseEndpointURL(raw, EndpointPolicy{})
		if err == nil || !strings.Contains(err.Error(), "IP address") && !strings.Contains(err.Error(), "this machine") {
			t.Errorf("ParseEndpointURL(%q) = %v; want the IP-address refusal", raw, err)
		}
	}
	for _, host := range []string{"127.1", "0x7f.1", "2130706433", "017700000001", "[::1]", "localhost"} {
		if !IsLoopbackHost(host) {
			t.Errorf("IsLoopbackHost(%q) = false", host)
		}
		if _, err := ParseEndpointURL("https://"+host+"/", EndpointPolicy{}); err == nil || !strings.Contains(err.Error(), "this machine") {
			t.Errorf("%s in production: %v; want \"points at this machine\"", host, err)
		}
	}
	// Names that only look numeric in part stay names.
	for _, host := range []string{"api.0x7f.example.com", "1password.example.com"} {
		if _, err := ParseEndpointURL("https://"+host+"/", EndpointPolicy{}); err != nil {
			t.Errorf("%s: %v; want a custom domain", host, err)
		}
	}
}

// A port with leading zeros is the same endpoint, saved in one spelling.
func TestPortsAreNormalised(t *testing.T) {
	t.Parallel()
	raw := "https://api.example.com:0018999/prod"
	if _, err := ParseEndpointURL(raw, EndpointPolicy{}); err != nil {
		t.Fatal(err)
	}
	if got := CanonicalPort(raw); got != "https://api.example.com:18999/prod" {
		t.Errorf("CanonicalPort(%q) = %q", raw, got)
	}
	if !EquivalentEndpointURLs(raw, "https://api.example.com:18999/prod") || !EquivalentEndpointURLs("https://api.example.com:0443/prod", "https://api.example.com/prod") {
		t.Error("a port with leading zeros is not equivalent to the plain one")
	}
	if got := CanonicalPort("https://[2001:db8::1]:0080/"); got != "https://[2001:db8::1]:80/" {
		t.Errorf("IPv6 host: %q", got)
	}
}
