package portal

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/tester"
)

// fixedResolver answers every host with one address: no query leaves the
// machine, and the dialer decides on the address it is given.
type fixedResolver netip.Addr

func (r fixedResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return []netip.Addr{netip.Addr(r)}, nil
}

// In production mode an issuer whose name resolves to a private, link-local
// or loopback address is refused by the egress policy's decision before
// any connection: the fetch fails as the issuer's fault, naming the policy.
// The dial function itself is never reached, so no non-loopback address is
// ever dialled by this test.
func TestIssuerFetchRefusedInProductionMode(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"10.0.0.7", "169.254.169.254", "127.0.0.1", "fd00::1"} {
		client := tester.NewClient(tester.Options{Timeout: time.Second, Resolver: fixedResolver(netip.MustParseAddr(addr))})
		client.Transport = cappedTransport{next: client.Transport, max: issuerMaxBody}
		is := newIssuers(client, time.Now, slog.New(slog.DiscardHandler), jwo.EndpointPolicy{})
		_, err := is.get("https://issuer.example").discover(t.Context())
		var down *issuerFailure
		var egress *tester.EgressError
		if !errors.As(err, &down) || !errors.As(err, &egress) {
			t.Errorf("%s: err = %v, want an issuer failure from the egress policy", addr, err)
		}
		// The decision the dialer made is the tester's one function.
		if tester.CheckEgress(netip.MustParseAddr(addr)) == nil {
			t.Errorf("CheckEgress(%s) allows it", addr)
		}
	}
}

// A failed fetch is remembered for issuerFailureHold, so exchanges queued
// behind an issuer that is down fail at once instead of each waiting out
// the timeout.
func TestIssuerFailureIsHeld(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int64
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "down", http.StatusServiceUnavailable)
	}), ReadHeaderTimeout: time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })

	now := time.Now()
	clock := func() time.Time { return now }
	is := newIssuers(tester.NewClient(tester.Options{Dev: true, Timeout: time.Second}), clock, slog.New(slog.DiscardHandler), jwo.EndpointPolicy{AllowLoopbackHTTP: true})
	iss := is.get("http://" + l.Addr().String())
	for range 3 {
		if _, err := iss.discover(t.Context()); err == nil || !strings.Contains(err.Error(), "503") {
			t.Fatalf("discover: %v, want the 503", err)
		}
	}
	if hits.Load() != 1 {
		t.Fatalf("%d fetches within the hold, want 1", hits.Load())
	}
	now = now.Add(issuerFailureHold)
	_, _ = iss.discover(t.Context())
	if hits.Load() != 2 {
		t.Fatalf("%d fetches after the hold, want 2", hits.Load())
	}
}
