package jwo

import (
	"net/netip"
	"strconv"
	"strings"
)

// HostAddr is the IP address a URL host denotes, in every spelling that a
// resolver or dialer on this machine would read as an address rather than a
// name to look up: what netip reads (with or without the brackets of an
// IPv6 literal, with a zone) and the loose IPv4 forms of looseIPv4. The
// save-time URL rules and the tester's dialer both ask it, so a host that
// the dialer would treat as an IP is never saved as a domain name.
func HostAddr(host string) (netip.Addr, bool) {
	h := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"), ".")
	if a, err := netip.ParseAddr(h); err == nil {
		return a, true
	}
	return looseIPv4(host)
}

// looseIPv4 reads the host forms that inet_aton, getaddrinfo, curl and
// browsers (the WHATWG URL parser) take as an IPv4 address although netip
// does not: one to four parts in decimal, octal (leading 0) or hex (0x),
// the last part filling the remaining bytes, and a trailing dot. So
// 2130706433, 0x7f000001, 0177.0.0.1, 127.1 and 127.0.0.1. are all
// 127.0.0.1. The dialer gives such a host the address it denotes instead of
// asking DNS about it, so that the egress policy judges what any resolver on
// the machine would have dialed.
func looseIPv4(host string) (netip.Addr, bool) {
	host = strings.TrimSuffix(host, ".")
	if host == "" {
		return netip.Addr{}, false
	}
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	values := make([]uint64, len(parts))
	for i, p := range parts {
		v, ok := ipv4Part(p)
		if !ok {
			return netip.Addr{}, false
		}
		values[i] = v
	}
	var n uint64
	for i, v := range values[:len(values)-1] {
		if v > 255 {
			return netip.Addr{}, false
		}
		n |= v << (8 * (3 - i))
	}
	last := values[len(values)-1]
	if last >= 1<<(8*(5-len(values))) {
		return netip.Addr{}, false
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

// ipv4Part reads one part: 0x hex, a leading 0 octal, else decimal.
func ipv4Part(p string) (uint64, bool) {
	base := 10
	switch {
	case len(p) >= 2 && (p[:2] == "0x" || p[:2] == "0X"):
		p, base = p[2:], 16
		if p == "" {
			return 0, true // "0x" alone is zero to inet_aton and WHATWG alike
		}
	case len(p) >= 2 && p[0] == '0':
		p, base = p[1:], 8
	}
	if p == "" || p[0] == '+' || p[0] == '-' {
		return 0, false
	}
	v, err := strconv.ParseUint(p, base, 64)
	if err != nil || v > 1<<32-1 {
		return 0, false
	}
	return v, true
}
