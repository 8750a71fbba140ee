package api

import (
	"net/http"
	"net/netip"
	"strings"
)

// clientAddress is who a per-address limit counts: the connection's peer,
// or, when the peer is a trusted proxy, the address that proxy (and any
// trusted proxies before it) received the request from, as X-Forwarded-For
// says. The header is read from the right, where the nearest proxy wrote
// it, and only as far as trusted proxies wrote it: what a client puts in it
// itself is never believed.
func (a *API) clientAddress(r *http.Request) netip.Addr {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		// httptest and some listeners give a bare address.
		addr, aerr := netip.ParseAddr(r.RemoteAddr)
		if aerr != nil {
			return netip.Addr{}
		}
		return addr.Unmap()
	}
	addr := peer.Addr().Unmap()
	if !a.trusted(addr) {
		return addr
	}
	hops := forwardedFor(r.Header.Values("X-Forwarded-For"))
	for i := len(hops) - 1; i >= 0 && a.trusted(addr); i-- {
		next, ok := parseHop(hops[i])
		if !ok {
			// A trusted proxy wrote what is right of this entry, so the
			// entry itself came from the client: stop at the proxy.
			break
		}
		addr = next
	}
	return addr
}

func (a *API) trusted(addr netip.Addr) bool {
	for _, p := range a.trustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// forwardedFor splits the X-Forwarded-For headers, in order, into entries.
func forwardedFor(values []string) []string {
	var hops []string
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			hops = append(hops, strings.TrimSpace(part))
		}
	}
	return hops
}

// parseHop reads one X-Forwarded-For entry: an address, with or without a
// port.
func parseHop(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if addr, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil && addr.Zone() == "" {
		return addr.Unmap(), true
	}
	return netip.Addr{}, false
}

// addressKey is the key of a client address in a per-address limiter: an
// IPv4 address itself, an IPv6 address its /64, the smallest block a
// subscriber is given, whose 2^64 addresses one client can rotate through
// at will.
func addressKey(addr netip.Addr) string {
	if !addr.IsValid() {
		return "unknown"
	}
	if addr.Is6() {
		p, _ := addr.WithZone("").Prefix(64)
		return p.String()
	}
	return addr.String()
}

// addressOf is the limiter key of the request's client.
func (a *API) addressOf(r *http.Request) string { return addressKey(a.clientAddress(r)) }
