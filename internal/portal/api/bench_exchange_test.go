package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/api"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store/pgtest"
)

// The token exchange as a CI job makes it (issue 25): POST /v1/oauth/token
// over loopback HTTP to a real portal, with a JWT of a real OpenID issuer
// on loopback whose discovery document and keys the portal has already
// cached. A separate test package, since portaltest builds on package api.

// benchSubject is GitHub Actions' subject of a push to main of acme/infra.
const benchSubject = "repo:acme/infra:ref:refs/heads/main"

// benchJWTs is how many distinct JWTs (distinct jti) the loop cycles
// through; a JWT may be exchanged again while valid, and signing one inside
// the loop would measure the issuer, not the portal.
const benchJWTs = 64

// BenchmarkExchange reports the latency of one exchange with cached keys,
// p50 and p99 (issue 25's target: p99 under 20 ms), for RS256 and ES256 on
// both engines: SQLite on disk and a PostgreSQL cluster with fsync and
// synchronous commits on (as the engine rows of `make bench`). Each
// exchange verifies the signature, matches the policies, and commits the
// new token and its audit event durably. It fails if the loop fetched the
// issuer's discovery document or keys: a cache hit must not call out.
func BenchmarkExchange(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run("engine="+name, func(b *testing.B) {
			engine := portaltest.SQLite
			if name == "postgres" {
				engine = durablePostgres(b)
			}
			iss := portaltest.StartIssuer(b)
			// The open routes' budget per client address (10 a second by
			// default) would throttle the loop; its cost is a map lookup.
			tp := portaltest.Start(b, portaltest.WithEngine(engine),
				portaltest.WithAPIOptions(func(o *api.Options) { o.AddressRateLimit = -1 }))
			createBenchPolicies(b, tp, iss)
			hc := &http.Client{Transport: tp.Server.Client().Transport, Timeout: 30 * time.Second}
			for _, alg := range []jose.SignatureAlgorithm{jose.RS256, jose.ES256} {
				b.Run("alg="+string(alg), func(b *testing.B) { benchExchange(b, hc, tp.URL, iss, alg) })
			}
		})
	}
}

// durablePostgres is an engine on a throwaway cluster of the benchmark's
// own, durable as production is (pgtest.Shared runs without fsync).
func durablePostgres(b *testing.B) portaltest.Engine {
	srv := pgtest.Start(b, pgtest.Options{Durable: true})
	return portaltest.Engine{Name: "postgres", NewDatabase: func(t testing.TB) string {
		u, err := srv.CreateDatabase(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return u
	}}
}

// createBenchPolicies gives acme the three policies of the exchange tests
// (plan on pull requests, apply from main on push, the prod environment),
// so that every exchange matches among several.
func createBenchPolicies(b *testing.B, tp *portaltest.Portal, iss *portaltest.Issuer) {
	b.Helper()
	for _, spec := range []jwo.TrustPolicySpec{
		{Name: "pr-plan", Subject: "repo:acme/infra:pull_request", Role: jwo.RoleViewer},
		{Name: "main-apply", Subject: benchSubject, Role: jwo.RoleOperator, Claims: map[string]string{"event_name": "push"}},
		{Name: "prod", Subject: "repo:acme/infra:environment:prod", Role: jwo.RoleAdmin},
	} {
		spec.Issuer, spec.Audience, spec.MaxTTL = iss.URL, "jwo", 900
		body, _ := json.Marshal(spec)
		req, _ := http.NewRequest(http.MethodPost, tp.URL+"/v1/trust-policies", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tp.AdminToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := tp.Server.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			b.Fatalf("create policy %s: %d %s", spec.Name, resp.StatusCode, got)
		}
	}
}

func benchExchange(b *testing.B, hc *http.Client, base string, iss *portaltest.Issuer, alg jose.SignatureAlgorithm) {
	forms := make([]string, benchJWTs)
	for i := range forms {
		forms[i] = url.Values{
			"grant_type":         {"urn:ietf:params:oauth:grant-type:token-exchange"},
			"subject_token":      {iss.Sign(alg, iss.Claims("jwo", benchSubject))},
			"subject_token_type": {"urn:ietf:params:oauth:token-type:jwt"},
		}.Encode()
	}
	// The first exchange of the issuer warms the cache (discovery, then
	// the keys); from here on no call may reach the issuer.
	exchangeOnce(b, hc, base, forms[0])
	fetches, discoveries := iss.Fetches.Load(), iss.Discoveries.Load()

	lat := make([]time.Duration, 0, 1<<14)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		start := time.Now()
		exchangeOnce(b, hc, base, forms[i%benchJWTs])
		lat = append(lat, time.Since(start))
		i++
	}
	if f, d := iss.Fetches.Load(), iss.Discoveries.Load(); f != fetches || d != discoveries {
		b.Fatalf("the issuer was called during the loop with its keys cached: %d key fetches and %d discoveries, want 0",
			f-fetches, d-discoveries)
	}
	slices.Sort(lat)
	b.ReportMetric(percentile(lat, 0.50).Seconds()*1e3, "p50-ms")
	b.ReportMetric(percentile(lat, 0.99).Seconds()*1e3, "p99-ms")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "exchanges/s")
}

// percentile is the nearest-rank q-quantile of sorted.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[max(0, int(math.Ceil(q*float64(len(sorted))))-1)]
}

// exchangeOnce makes one exchange and fails unless it answers a token.
func exchangeOnce(b *testing.B, hc *http.Client, base, form string) {
	resp, err := hc.Post(base+"/v1/oauth/token", "application/x-www-form-urlencoded", strings.NewReader(form))
	if err != nil {
		b.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &tok) != nil || tok.AccessToken == "" {
		b.Fatalf("exchange: %d %s", resp.StatusCode, body)
	}
}
