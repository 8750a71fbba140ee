package tester

import (
	"fmt"
	"net/netip"
)

// EgressError is the egress policy refusing one resolved address. The dialer
// returns it instead of opening a socket, so no packet reaches the address.
type EgressError struct {
	Addr netip.Addr
	Why  string // e.g. "a private address (10.0.0.0/8)"
}

func (e *EgressError) Error() string {
	return fmt.Sprintf("%s is %s", e.Addr, e.Why)
}

// refusedRange is one block the tester must never call, with the words that
// tell an operator why.
type refusedRange struct {
	prefix netip.Prefix
	why    string
}

func refused(cidr, why string) refusedRange {
	return refusedRange{prefix: netip.MustParsePrefix(cidr), why: why}
}

// loopbackRanges are the only blocks Dev mode opens, so that demos and tests
// can call a connector on the same machine.
var loopbackRanges = []refusedRange{
	refused("127.0.0.0/8", "a loopback address"),
	refused("::1/128", "a loopback address"),
}

// refusedRanges are the blocks that are not reachable on the public internet
// or that reach the portal's own network (metadata service, VPC, LAN). Amazon
// calls connectors over the internet or through a VPC endpoint, so a saved
// endpoint resolving into one of these can only be a mistake or an attempt to
// make the portal probe its own network. The list follows the IANA special-
// purpose registries (RFC 6890 and successors).
var refusedRanges = []refusedRange{
	// IPv4-mapped IPv6 comes first and is refused whatever it maps to: the net
	// package dials ::ffff:a.b.c.d as plain IPv4, so allowing the form would
	// let a record smuggle any IPv4 address past the checks below.
	refused("::ffff:0:0/96", "an IPv4-mapped IPv6 address"),

	// IPv4.
	refused("0.0.0.0/8", "an unspecified (\"this network\") address"),
	refused("10.0.0.0/8", "a private address (10.0.0.0/8)"),
	refused("100.64.0.0/10", "a carrier-grade NAT address (100.64.0.0/10)"),
	refused("169.254.0.0/16", "a link-local address (169.254.0.0/16, which includes the cloud metadata service)"),
	refused("172.16.0.0/12", "a private address (172.16.0.0/12)"),
	refused("192.0.0.0/24", "an IETF protocol assignment address (192.0.0.0/24)"),
	refused("192.0.2.0/24", "a documentation address (192.0.2.0/24)"),
	refused("192.88.99.0/24", "a deprecated 6to4 relay address (192.88.99.0/24)"),
	refused("192.168.0.0/16", "a private address (192.168.0.0/16)"),
	refused("198.18.0.0/15", "a benchmarking address (198.18.0.0/15)"),
	refused("198.51.100.0/24", "a documentation address (198.51.100.0/24)"),
	refused("203.0.113.0/24", "a documentation address (203.0.113.0/24)"),
	refused("224.0.0.0/4", "a multicast address"),
	refused("255.255.255.255/32", "the broadcast address"),
	refused("240.0.0.0/4", "a reserved address (240.0.0.0/4)"),
	// A public address, but the Azure platform's own endpoint (DHCP, DNS,
	// health, metadata) inside every Azure VM's network.
	refused("168.63.129.16/32", "the Azure platform endpoint (168.63.129.16), reachable only from inside Azure"),

	// IPv6. The prefixes that embed or translate to an IPv4 address (NAT64,
	// Teredo, 6to4) are refused because a gateway could forward them into a
	// private IPv4 network.
	refused("::/128", "the unspecified address"),
	refused("::/96", "a deprecated IPv4-compatible IPv6 address"),
	refused("64:ff9b::/96", "a NAT64 address (64:ff9b::/96)"),
	refused("64:ff9b:1::/48", "a local-use NAT64 address (64:ff9b:1::/48)"),
	refused("100::/64", "a discard-only address (100::/64)"),
	refused("2001::/32", "a Teredo address (2001::/32)"),
	refused("2001:2::/48", "a benchmarking address (2001:2::/48)"),
	refused("2001:10::/28", "an ORCHID address (2001:10::/28)"),
	refused("2001:20::/28", "an ORCHID address (2001:20::/28)"),
	refused("2001:db8::/32", "a documentation address (2001:db8::/32)"),
	refused("2002::/16", "a 6to4 address (2002::/16)"),
	refused("3fff::/20", "a documentation address (3fff::/20)"),
	refused("fc00::/7", "a unique-local address (fc00::/7, which includes the cloud metadata service's fd00:ec2::254)"),
	refused("fe80::/10", "a link-local address (fe80::/10)"),
	refused("fec0::/10", "a deprecated site-local address (fec0::/10)"),
	refused("ff00::/8", "a multicast address"),
}

// globalUnicastV6 is the only IPv6 block IANA allocates for global unicast
// today; anything outside it that the table above does not name is reserved.
var globalUnicastV6 = netip.MustParsePrefix("2000::/3")

// policy is the egress decision of one Tester; dev opens loopback only.
// deny are the operator's own blocks (serve --egress-deny), refused in every
// mode; self are the portal's own listening addresses, refused with their
// port so that a connector URL can never make the portal call itself (in
// Dev mode a connector on another loopback port stays reachable).
type policy struct {
	dev  bool
	deny []netip.Prefix
	self []netip.AddrPort
}

// CheckEgress is the egress policy's decision for one resolved address in
// production mode: nil when the tester may dial it.
func CheckEgress(addr netip.Addr) error { return policy{}.check(addr) }

func (p policy) check(addr netip.Addr) error {
	if !addr.IsValid() {
		return &EgressError{Addr: addr, Why: "not a valid IP address"}
	}
	// A zone only makes sense for link-local and loopback scopes; the decision
	// is about the address itself.
	a := addr.WithZone("")
	for _, d := range p.deny {
		if d.Contains(a.Unmap()) {
			return &EgressError{Addr: addr, Why: fmt.Sprintf("in %s, which the operator denies (--egress-deny)", d)}
		}
	}
	for _, r := range loopbackRanges {
		if r.prefix.Contains(a) {
			if p.dev {
				return nil
			}
			return &EgressError{Addr: addr, Why: r.why}
		}
	}
	for _, r := range refusedRanges {
		if r.prefix.Contains(a) {
			return &EgressError{Addr: addr, Why: r.why}
		}
	}
	if a.Is6() && !globalUnicastV6.Contains(a) {
		return &EgressError{Addr: addr, Why: "a reserved IPv6 address (outside 2000::/3)"}
	}
	return nil
}

// checkAddrPort is check for one address and port: the portal's own
// listening addresses are refused too.
func (p policy) checkAddrPort(ap netip.AddrPort) error {
	if err := p.check(ap.Addr()); err != nil {
		return err
	}
	a := ap.Addr().WithZone("").Unmap()
	for _, s := range p.self {
		if s.Port() == ap.Port() && s.Addr().Unmap() == a {
			return &EgressError{Addr: ap.Addr(), Why: fmt.Sprintf("the portal's own listening address (%s)", ap)}
		}
	}
	return nil
}
