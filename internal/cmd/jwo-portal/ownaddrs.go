package main

import (
	"net"
	"net/netip"
)

// ownAddrs are the addresses the portal answers on: the listener's, or, for
// a listener on every interface (0.0.0.0, ::), each interface's address and
// loopback, all with the listener's port. The tester refuses them.
func ownAddrs(ln net.Listener) []netip.AddrPort {
	ap, err := netip.ParseAddrPort(ln.Addr().String())
	if err != nil {
		return nil
	}
	if !ap.Addr().IsUnspecified() {
		return []netip.AddrPort{ap}
	}
	out := []netip.AddrPort{
		netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), ap.Port()),
		netip.AddrPortFrom(netip.IPv6Loopback(), ap.Port()),
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return out
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(n.IP); ok {
				out = append(out, netip.AddrPortFrom(ip.Unmap(), ap.Port()))
			}
		}
	}
	return out
}
