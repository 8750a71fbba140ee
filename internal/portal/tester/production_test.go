package tester

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// requireEgressRefusal: the run failed with one of the two fixed messages
// (a literal address refused, or a name with no address the portal may
// call), and only the detail for the log says why.
func requireEgressRefusal(t *testing.T, res Result) {
	t.Helper()
	literal := res.Reason == jwo.ReasonConnect && res.Message == refusedAddressMessage
	name := res.Reason == jwo.ReasonDNS && strings.HasPrefix(res.Message, "Could not resolve host ") && strings.HasSuffix(res.Message, "the portal's log has the cause.")
	if res.Status != jwo.TestUnsuccessful || (!literal && !name) || res.HTTPStatus != 0 || !strings.HasPrefix(res.Detail, "egress policy") {
		t.Errorf("Run = %+v, want refused by the egress policy with the fixed message", res)
	}
}

// loopbackSpellings are the ways an endpoint URL can name this machine. Each
// is served by a real loopback listener that counts connections; the
// numeric forms also have a resolver that answers as getaddrinfo would, so
// that they are refused whichever way the host is read.
func loopbackSpellings() []loopbackSpelling {
	// A listener per case, so that a count belongs to one spelling.
	v4Other := func(t *testing.T) *countingListener { return listenCounting(t, "tcp4", "127.1.2.3:0") }
	onV4 := func(t *testing.T) *countingListener { return listenCounting(t, "tcp4", "127.0.0.1:0") }
	onV6 := func(t *testing.T) *countingListener { return listenCounting(t, "tcp6", "[::1]:0") }
	numeric := func(host string) loopbackSpelling {
		return loopbackSpelling{host: host, listener: onV4, resolver: resolveTo(host, "127.0.0.1"), lookups: 0}
	}
	return []loopbackSpelling{
		{host: "127.0.0.1", listener: onV4},
		{host: "127.0.0.1.", listener: onV4},
		{host: "127.1.2.3", listener: v4Other},
		{host: "localhost", listener: onV4, resolver: resolveTo("localhost", "127.0.0.1"), lookups: 1},
		{host: "LOCALHOST.", listener: onV4, resolver: resolveTo("LOCALHOST.", "127.0.0.1"), lookups: 1},
		{host: "connector.example.test", listener: v4Other, resolver: resolveTo("connector.example.test", "127.1.2.3"), lookups: 1},
		{host: "[::1]", listener: onV6},
		{host: "[::ffff:127.0.0.1]", listener: onV4, refusedInDev: true},
		{host: "[::ffff:7f00:1]", listener: onV4, refusedInDev: true},
		{host: "0.0.0.0", listener: onV4, refusedInDev: true},
		{host: "[::]", listener: onV6, refusedInDev: true},
		numeric("2130706433"),
		numeric("0x7f000001"),
		numeric("017700000001"),
		numeric("0177.0.0.1"),
		numeric("0x7f.0.0.1"),
		numeric("127.1"),
		numeric("0x7f.1"),
	}
}

type loopbackSpelling struct {
	host         string
	listener     func(t *testing.T) *countingListener
	resolver     *fakeResolver
	lookups      int64 // DNS lookups the tester makes: numeric hosts need none
	refusedInDev bool  // not a plain loopback address, so Dev refuses it too
}

func (s loopbackSpelling) url(port uint16) string {
	return fmt.Sprintf("http://%s:%d", s.host, port)
}

func TestProductionRefusesLoopbackBeforeDialing(t *testing.T) {
	t.Parallel()
	for _, tc := range loopbackSpellings() {
		t.Run(tc.host, func(t *testing.T) {
			t.Parallel()
			ln := tc.listener(t)
			opts := Options{}
			if tc.resolver != nil {
				opts.Resolver = tc.resolver
			}
			tt, dials := newTester(t, opts)

			for _, scheme := range []string{"http", "https"} {
				u := strings.Replace(tc.url(ln.port()), "http", scheme, 1)
				requireEgressRefusal(t, tt.Run(context.Background(), Call{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: u}))
			}

			if tc.resolver != nil && tc.resolver.calls.Load() != 2*tc.lookups {
				t.Errorf("resolver called %d times, want %d", tc.resolver.calls.Load(), 2*tc.lookups)
			}
			if got := dials.addrs(); len(got) != 0 {
				t.Errorf("dialed %v, want nothing", got)
			}
			if n := ln.accepted.Load(); n != 0 {
				t.Errorf("the listener accepted %d connections, want 0", n)
			}
		})
	}
}

// The control of the test above: in Dev mode the same spellings do reach
// the same listeners, so the zero count in production is the policy's work
// and not a listener that nothing could reach.
func TestDevReachesTheSameLoopbackSpellings(t *testing.T) {
	t.Parallel()
	for _, tc := range loopbackSpellings() {
		if tc.refusedInDev {
			continue
		}
		t.Run(tc.host, func(t *testing.T) {
			t.Parallel()
			ln := tc.listener(t)
			opts := Options{Dev: true}
			if tc.resolver != nil {
				opts.Resolver = tc.resolver
			}
			tt, _ := newTester(t, opts)

			res := tt.Run(context.Background(), Call{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: tc.url(ln.port())})

			if strings.Contains(res.Message, "egress policy") {
				t.Errorf("Dev refused %s: %+v", tc.host, res)
			}
			if ln.accepted.Load() == 0 {
				t.Errorf("Dev mode did not reach the listener through %s: %+v", tc.host, res)
			}
		})
	}
}

func TestRunRefusesNonRoutableResolutionsBeforeDialing(t *testing.T) {
	t.Parallel()
	for _, dev := range []bool{false, true} {
		for _, addr := range []string{"10.0.0.1", "172.16.5.4", "192.168.0.10", "169.254.169.254", "100.64.0.1", "0.0.0.0", "fd00:ec2::254", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"} {
			t.Run(fmt.Sprintf("dev=%t %s", dev, addr), func(t *testing.T) {
				t.Parallel()
				tt, dials := newTester(t, Options{Dev: dev, Resolver: resolveTo("connector.example.test", addr)})

				res := tt.Run(context.Background(), Call{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: "https://connector.example.test"})

				requireEgressRefusal(t, res)
				if got := dials.addrs(); len(got) != 0 {
					t.Errorf("dialed %v, want nothing", got)
				}
			})
		}
	}
}

func TestRunDialsOnlyTheAllowedAddressesOfAHost(t *testing.T) {
	t.Parallel()
	srv := serve(t, &recorder{reply: answering(200, `{}`)})
	port := netip.MustParseAddrPort(srv.Listener.Addr().String()).Port()
	tt, dials := newTester(t, Options{Dev: true, Resolver: resolveTo("connector.example.test", "10.0.0.1", "169.254.169.254", "127.0.0.1")})

	res := tt.Run(context.Background(), Call{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: fmt.Sprintf("http://connector.example.test:%d", port)})

	if res.Status != jwo.TestSuccessful {
		t.Errorf("Run = %+v, want SUCCESSFUL through the loopback address", res)
	}
	if got, want := dials.addrs(), fmt.Sprintf("127.0.0.1:%d", port); len(got) != 1 || got[0] != want {
		t.Errorf("dialed %v, want only %s", got, want)
	}
}

// The socket-level check stands even if an address reached the dialer
// without passing the policy first.
func TestDialerControlRefusesAtTheSocket(t *testing.T) {
	t.Parallel()
	ln := listenCounting(t, "tcp4", "127.0.0.1:0")
	d := newDialer(policy{}, &fakeResolver{})

	conn, err := d.connect(context.Background(), "tcp", ln.ln.Addr().String())

	if conn != nil {
		_ = conn.Close()
	}
	var egress *EgressError
	if !errors.As(err, &egress) {
		t.Errorf("connect = %v, want an EgressError", err)
	}
	if n := ln.accepted.Load(); n != 0 {
		t.Errorf("the listener accepted %d connections, want 0", n)
	}
}
