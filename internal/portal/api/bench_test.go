package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
)

// The portal's hot paths through the whole HTTP handler (middleware, auth,
// SQLite on disk in WAL mode with synchronous commits), without a network:
// what one request costs the portal. `make bench` runs them; PERFORMANCE.md
// keeps the figures.

const benchStores = 1000

type benchPortal struct {
	h     http.Handler
	token string
}

func newBenchPortal(b *testing.B) *benchPortal {
	b.Helper()
	ctx := context.Background()
	dbPath := filepath.Join(b.TempDir(), "portal.db")
	stores := make([]seed.Store, 0, benchStores)
	for i := 1; i <= benchStores; i++ {
		stores = append(stores, seed.Store{StoreProfile: jwo.StoreProfile{
			ID: fmt.Sprintf("bench-%05d", i), Name: "Bench", StoreType: jwo.StoreTypeJWO, Region: "us-east-1",
			EntryMethods:          []jwo.EntryMethod{jwo.EntryAppQR, jwo.EntryCreditCard},
			FraudAndAbuseStrategy: jwo.FraudCustomerManaged, OrderDelegation: true, LoyaltyProgram: true,
		}})
	}
	if err := applySeed(ctx, dbPath, seed.File{Merchants: []seed.Merchant{{ID: "bench", Stores: stores}}}); err != nil {
		b.Fatal(err)
	}
	token, err := createToken(ctx, dbPath, "bench", jwo.RoleOperator, "bench")
	if err != nil {
		b.Fatal(err)
	}
	// The default rate limit of jwo-portal serve would throttle a benchmark
	// loop; the limiter's cost is one map lookup either way.
	return &benchPortal{h: openHandler(b, dbPath), token: token}
}

func (bp *benchPortal) do(b *testing.B, method, target, body string, want int) {
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, target, nil)
	} else {
		r = httptest.NewRequest(method, target, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set("Authorization", "Bearer "+bp.token)
	w := httptest.NewRecorder()
	bp.h.ServeHTTP(w, r)
	if w.Code != want {
		b.Fatalf("%s %s: %d, want %d: %s", method, target, w.Code, want, w.Body.String())
	}
}

func benchConnectorBody(i int) string {
	return fmt.Sprintf(`{"endpoint_url":"https://a%09d.execute-api.us-east-1.amazonaws.com/prod","endpoint_type":"PUBLIC"}`, i)
}

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkGetConnector is a refresh's request: one connector of one store.
func BenchmarkGetConnector(b *testing.B) {
	bp := newBenchPortal(b)
	for i := 1; i <= 100; i++ {
		bp.do(b, http.MethodPut, fmt.Sprintf("/v1/stores/bench-%05d/connectors/identity", i), benchConnectorBody(i), http.StatusCreated)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		bp.do(b, http.MethodGet, fmt.Sprintf("/v1/stores/bench-%05d/connectors/identity", i%100+1), "", http.StatusOK)
		i++
	}
	reportRate(b)
}

// BenchmarkPutConnector changes the endpoint every time: a version bump, an
// audit event and a synchronous commit per request.
func BenchmarkPutConnector(b *testing.B) {
	bp := newBenchPortal(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		want := http.StatusOK
		if i < 100 {
			want = http.StatusCreated
		}
		bp.do(b, http.MethodPut, fmt.Sprintf("/v1/stores/bench-%05d/connectors/loyalty", i%100+1), benchConnectorBody(i), want)
		i++
	}
	reportRate(b)
}

// BenchmarkListStores reads one page of stores, as jwo_stores does per page.
func BenchmarkListStores(b *testing.B) {
	for _, size := range []int{100, 1000} {
		b.Run(fmt.Sprintf("page_size=%d", size), func(b *testing.B) {
			bp := newBenchPortal(b)
			b.ReportAllocs()
			for b.Loop() {
				bp.do(b, http.MethodGet, fmt.Sprintf("/v1/stores?page_size=%d", size), "", http.StatusOK)
			}
			reportRate(b)
		})
	}
}

// BenchmarkPutConnectorParallel has ten writers in flight, as a terraform
// apply at its default parallelism does: what the shared commit buys.
func BenchmarkPutConnectorParallel(b *testing.B) {
	bp := newBenchPortal(b)
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(5) // × GOMAXPROCS (2 here) = 10 writers
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1))
			bp.doParallel(b, http.MethodPut, fmt.Sprintf("/v1/stores/bench-%05d/connectors/ordering", i%benchStores+1), benchConnectorBody(i))
		}
	})
	reportRate(b)
}

// doParallel is do for RunParallel goroutines, which must not call Fatal.
func (bp *benchPortal) doParallel(b *testing.B, method, target, body string) {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+bp.token)
	w := httptest.NewRecorder()
	bp.h.ServeHTTP(w, r)
	if w.Code != http.StatusOK && w.Code != http.StatusCreated {
		b.Errorf("%s %s: %d: %s", method, target, w.Code, w.Body.String())
	}
}

// BenchmarkConnectivityRunParallel has ten runs in flight, as a terraform
// apply of jwo_connectivity_test does: each is started, claimed from the
// queue by a worker, recorded, and waited for with Prefer: wait. The tester
// answers at once, so this is the portal's own cost of a run.
func BenchmarkConnectivityRunParallel(b *testing.B) {
	bp := newBenchPortal(b)
	for i := 1; i <= 100; i++ {
		bp.do(b, http.MethodPut, fmt.Sprintf("/v1/stores/bench-%05d/connectors/identity", i), benchConnectorBody(i), http.StatusCreated)
	}
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(5) // × GOMAXPROCS (2 here) = 10 runs in flight
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			r := httptest.NewRequest(http.MethodPost, fmt.Sprintf("/v1/stores/bench-%05d/connectors/identity/tests", i%100+1), nil)
			r.Header.Set("Authorization", "Bearer "+bp.token)
			w := httptest.NewRecorder()
			bp.h.ServeHTTP(w, r)
			var run jwo.ConnectivityTest
			if w.Code != http.StatusAccepted || json.Unmarshal(w.Body.Bytes(), &run) != nil {
				b.Fatalf("POST a run: %d %s", w.Code, w.Body.String())
			}
			for !run.Status.Finished() {
				r := httptest.NewRequest(http.MethodGet, "/v1/tests/"+run.ID, nil)
				r.Header.Set("Authorization", "Bearer "+bp.token)
				r.Header.Set("Prefer", "wait=10")
				w := httptest.NewRecorder()
				bp.h.ServeHTTP(w, r)
				if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &run) != nil {
					b.Fatalf("GET the run: %d %s", w.Code, w.Body.String())
				}
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "runs/s")
}
