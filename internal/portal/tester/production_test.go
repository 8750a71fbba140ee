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

func requireEgressRefusal(t *testing.T, res Result) {
	t.Helper()
	if res.Status != jwo.TestUnsuccessful || res.Reason != jwo.ReasonConnect || !strings.Contains(res.Message, "refused by egress policy: ") || res.HTTPStatus != 0 {
		t.Errorf("Run = %+v, want connect refused by egress policy", res)
	}
}

func TestProductionRefusesLoopbackBeforeDialing(t *testing.T) {
	t.Parallel()
	v4 := listenCounting(t, "tcp4", "127.0.0.1:0")
	cases := []struct {
		name     string
		listener func(t *testing.T) *countingListener
		url      func(port uint16) string
		resolver *fakeResolver
	}{
		{
			name:     "127.0.0.1",
			listener: func(*testing.T) *countingListener { return v4 },
			url:      func(p uint16) string { return fmt.Sprintf("https://127.0.0.1:%d", p) },
		},
		{
			name:     "localhost",
			listener: func(*testing.T) *countingListener { return v4 },
			url:      func(p uint16) string { return fmt.Sprintf("https://localhost:%d", p) },
			resolver: resolveTo("localhost", "127.0.0.1"),
		},
		{
			name:     "[::1]",
			listener: func(t *testing.T) *countingListener { return listenCounting(t, "tcp6", "[::1]:0") },
			url:      func(p uint16) string { return fmt.Sprintf("https://[::1]:%d", p) },
		},
		{
			name:     "host resolving to 127.0.0.2",
			listener: func(t *testing.T) *countingListener { return listenCounting(t, "tcp4", "127.0.0.2:0") },
			url:      func(p uint16) string { return fmt.Sprintf("https://connector.example.test:%d", p) },
			resolver: resolveTo("connector.example.test", "127.0.0.2"),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ln := tc.listener(t)
			opts := Options{}
			if tc.resolver != nil {
				opts.Resolver = tc.resolver
			}
			tt, dials := newTester(t, opts)

			res := tt.Run(context.Background(), Call{Method: jwo.MethodIdentity, StoreID: storeID, EndpointURL: tc.url(ln.port())})

			requireEgressRefusal(t, res)
			if tc.resolver != nil && tc.resolver.calls.Load() != 1 {
				t.Errorf("resolver called %d times, want 1", tc.resolver.calls.Load())
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
