package api

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"testing"
)

// Failed authentications, the open routes and /healthz each have their own
// budget per client address: a token guesser from an address does not keep
// its health checker at 429 or its browser from the OpenAPI document.
func TestAddressBudgetsAreSeparate(t *testing.T) {
	e := newEnv(t, func(o *envOptions) { o.AddressRateLimit = 1 }) // 1/s, bursts of 10
	statuses := func(n int, path, who string) []int {
		var out []int
		for range n {
			out = append(out, e.do("GET", path, who, "").status)
		}
		return out
	}
	if got := statuses(11, "/v1/stores", "raw:Bearer jwo_guessed"); got[9] != 401 || got[10] != 429 {
		t.Fatalf("bad-token requests answered %v; want 10 × 401 then 429", got)
	}
	for i, s := range statuses(30, "/healthz", "") {
		if s != 200 {
			t.Fatalf("/healthz request %d after a flood of bad tokens: %d, want 200 (no budget)", i+1, s)
		}
	}
	if got := statuses(11, "/v1/openapi.json", ""); got[0] != 200 || got[9] != 200 || got[10] != 429 {
		t.Fatalf("open-route requests after a flood of bad tokens answered %v; want 10 × 200 (their own budget) then 429", got)
	}
	e.must(200, "GET", "/v1/stores", "viewer", "") // a valid token is never counted per address
}

// X-Forwarded-For names the client only when the peer is a trusted proxy,
// and only as far as trusted proxies wrote it.
func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	bad := "raw:Bearer jwo_guessed"
	t.Run("untrusted peer", func(t *testing.T) {
		e := newEnv(t, func(o *envOptions) { o.AddressRateLimit = 1 })
		for i := range 10 {
			e.must(401, "GET", "/v1/stores", bad, "", "X-Forwarded-For", "203.0.113."+strconv.Itoa(i+1))
		}
		// Each request claimed another address; all came from 127.0.0.1.
		e.must(429, "GET", "/v1/stores", bad, "", "X-Forwarded-For", "203.0.113.99")
	})
	t.Run("trusted proxy", func(t *testing.T) {
		e := newEnv(t, func(o *envOptions) {
			o.AddressRateLimit = 1
			o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		})
		for range 10 {
			e.must(401, "GET", "/v1/stores", bad, "", "X-Forwarded-For", "198.51.100.7, 203.0.113.1")
		}
		// What the client wrote left of the proxy's entry changes nothing.
		e.must(429, "GET", "/v1/stores", bad, "", "X-Forwarded-For", "198.51.100.8, 203.0.113.1")
		// Another client behind the same proxy has its own budget.
		e.must(401, "GET", "/v1/stores", bad, "", "X-Forwarded-For", "203.0.113.2")
	})
}

func TestClientAddress(t *testing.T) {
	a := &API{trustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}}
	for _, c := range []struct {
		peer string
		xff  []string
		want string
	}{
		{"192.0.2.1:5000", nil, "192.0.2.1"},
		{"192.0.2.1:5000", []string{"203.0.113.9"}, "192.0.2.1"},                     // not a proxy of ours
		{"10.1.1.1:5000", []string{"203.0.113.9"}, "203.0.113.9"},                    // one proxy
		{"10.1.1.1:5000", []string{"6.6.6.6, 203.0.113.9, 10.2.2.2"}, "203.0.113.9"}, // two proxies; a forged entry left of them
		{"10.1.1.1:5000", []string{"6.6.6.6", "203.0.113.9"}, "203.0.113.9"},         // several headers, in order
		{"10.1.1.1:5000", []string{"garbage, 10.2.2.2"}, "10.2.2.2"},                 // broken chain: stop at the last proxy
		{"10.1.1.1:5000", nil, "10.1.1.1"},                                           // a proxy without the header
		{"10.1.1.1:5000", []string{"[2001:db8::1]:443"}, "2001:db8::1"},              // with a port
		{"[::ffff:192.0.2.1]:5000", nil, "192.0.2.1"},                                // IPv4-mapped
		{"[fd00::5]:5000", []string{"2001:db8::7"}, "2001:db8::7"},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = c.peer
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := a.clientAddress(r); got.String() != c.want {
			t.Errorf("peer %s, X-Forwarded-For %q: %s, want %s", c.peer, c.xff, got, c.want)
		}
	}
}

// An IPv6 client is counted by its /64: rotating through its own prefix
// gives it no fresh budget.
func TestAddressKeyIPv6Prefix(t *testing.T) {
	a, b := addressKey(netip.MustParseAddr("2001:db8:1:2::1")), addressKey(netip.MustParseAddr("2001:db8:1:2:ffff::9"))
	if a != b || a != "2001:db8:1:2::/64" {
		t.Errorf("two addresses of one /64: keys %q and %q, want both 2001:db8:1:2::/64", a, b)
	}
	if addressKey(netip.MustParseAddr("2001:db8:1:3::1")) == a {
		t.Error("another /64 shares the key")
	}
	if got := addressKey(netip.MustParseAddr("192.0.2.1")); got != "192.0.2.1" {
		t.Errorf("IPv4 key %q", got)
	}
}

// The limiter's map never holds more than its cap; addresses beyond it
// share one bucket, so a flood from many addresses is limited as one.
func TestAddressLimiterMapIsCapped(t *testing.T) {
	rl := newAddressLimiter(1, "test") // bursts of 10
	rl.maxKeys = 100
	for i := range 1000 {
		_ = rl.allow(addressKey(netip.AddrFrom4([4]byte{198, 18, byte(i >> 8), byte(i)})))
	}
	if n := rl.size(); n != 100 {
		t.Errorf("after 1000 addresses the map holds %d buckets, want the cap of 100", n)
	}
	// The 900 addresses past the cap shared the overflow bucket: spent.
	if err := rl.allow("198.18.200.1"); err == nil {
		t.Error("a new address past the cap was served from a fresh bucket")
	}
	// An address counted before the cap keeps its own bucket.
	if err := rl.allow(addressKey(netip.AddrFrom4([4]byte{198, 18, 0, 5}))); err != nil {
		t.Errorf("an address inside the cap: %v", err)
	}
}
