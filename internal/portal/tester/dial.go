package tester

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// dnsError is a failed or empty lookup of the endpoint's host, whatever the
// Resolver's own error type, so that classification does not depend on it.
type dnsError struct {
	host string
	err  error
}

func (e *dnsError) Error() string {
	return fmt.Sprintf("could not resolve host %s: %v", e.host, e.err)
}

func (e *dnsError) Unwrap() error { return e.err }

// errNoAddresses is a lookup that succeeded with nothing to dial.
var errNoAddresses = errors.New("the lookup returned no addresses")

// systemResolver adapts net.DefaultResolver. The net package builds IPv4
// results from /etc/hosts and the cgo resolver as 16-byte slices, which
// netip reads as IPv4-mapped IPv6; those are A records, and the net package
// would dial them as IPv4, so they are unmapped here and checked as IPv4. Only
// a Resolver that really answers ::ffff:a.b.c.d meets the mapped-form refusal.
type systemResolver struct{}

func (systemResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, network, host)
	for i, a := range addrs {
		addrs[i] = a.Unmap()
	}
	return addrs, err
}

// minDialShare keeps a host with several addresses from giving each attempt
// so little time that none can succeed.
const minDialShare = 2 * time.Second

// dialer resolves the host itself and dials only addresses the policy allows,
// so the check and the connection use the same IP (no second lookup that a
// DNS answer could change in between).
type dialer struct {
	policy   policy
	resolver Resolver
	// connect opens a TCP connection to one literal "ip:port"; tests replace it
	// to prove that a refused address is never dialed.
	connect func(ctx context.Context, network, address string) (net.Conn, error)
}

func newDialer(p policy, r Resolver) *dialer {
	if r == nil {
		r = systemResolver{}
	}
	nd := &net.Dialer{
		KeepAlive: 30 * time.Second,
		// Second line of defence: whatever reached the socket layer is checked
		// again just before connect(2), on the address the kernel will use.
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("egress policy cannot read the address %q: %w", address, err)
			}
			return p.checkAddrPort(ap)
		},
	}
	return &dialer{policy: p, resolver: r, connect: nd.DialContext}
}

// DialContext is the http.Transport's dial function.
func (d *dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, portText, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("invalid port %q", portText)
	}
	addrs, err := d.resolve(ctx, host)
	if err != nil {
		return nil, err
	}

	var allowed []netip.Addr
	var refusal error
	for _, a := range addrs {
		if err := d.policy.checkAddrPort(netip.AddrPortFrom(a, uint16(port))); err != nil {
			refusal = firstNonNil(refusal, err)
			continue
		}
		allowed = append(allowed, a)
	}
	if len(allowed) == 0 {
		return nil, refusal
	}

	// Refused addresses are skipped rather than failing the call: only the
	// allowed ones are dialed, which is safe because the dial uses the checked IP.
	var firstErr error
	for i, a := range allowed {
		attemptCtx, cancel := partialDeadline(ctx, len(allowed)-i)
		conn, err := d.connect(attemptCtx, network, netip.AddrPortFrom(a, uint16(port)).String())
		cancel()
		if err == nil {
			return conn, nil
		}
		firstErr = firstNonNil(firstErr, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, firstErr
}

func (d *dialer) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	// Literal IPs skip the lookup but not the policy, in every spelling a
	// system resolver would also read as an address.
	if a, ok := jwo.HostAddr(host); ok {
		return []netip.Addr{a}, nil
	}
	addrs, err := d.resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, &dnsError{host: host, err: err}
	}
	if len(addrs) == 0 {
		return nil, &dnsError{host: host, err: errNoAddresses}
	}
	return addrs, nil
}

// partialDeadline shares the time left between the addresses still to try,
// as the net package does for a host with several addresses.
func partialDeadline(ctx context.Context, remaining int) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok || remaining <= 1 {
		return context.WithCancel(ctx)
	}
	share := time.Until(deadline) / time.Duration(remaining)
	if share < minDialShare {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, share)
}

func firstNonNil(first, next error) error {
	if first != nil {
		return first
	}
	return next
}

// Unresolvable reports whether err is a refusal of the egress policy or a
// failed or empty lookup: the errors whose cause, what the portal's
// resolver answered, a tenant must never read (see classifyError). The
// portal's other outbound calls (an OpenID Connect issuer's keys) answer
// them with fixed words too, and log the cause.
func Unresolvable(err error) bool {
	var egress *EgressError
	var lookup *dnsError
	var netLookup *net.DNSError
	return errors.As(err, &egress) || errors.As(err, &lookup) || errors.As(err, &netLookup)
}
