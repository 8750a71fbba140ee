package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/connector"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
)

// suitePortal is a portal with the real tester (dev mode: loopback only)
// and a sample connector answering after latency, for the CONFORMANCE
// benchmarks: merchant bench has n stores needing IDENTITY and ORDERING
// (WATER-500 in each catalog), merchant other one such store.
type suitePortal struct {
	h            http.Handler
	token, other string
	connectorURL string
	stores       []string
}

func newSuitePortal(b *testing.B, n int, latency time.Duration) *suitePortal {
	b.Helper()
	ctx := context.Background()
	db := filepath.Join(b.TempDir(), "portal.db")
	store := func(id string) seed.Store {
		return seed.Store{StoreProfile: jwo.StoreProfile{ID: id, Name: "Suite", StoreType: jwo.StoreTypeJWO, Region: "us-east-1",
			EntryMethods: []jwo.EntryMethod{jwo.EntryAppQR}, FraudAndAbuseStrategy: jwo.FraudNone, OrderDelegation: true},
			Catalog: []jwo.CatalogItem{{SKU: "WATER-500", Barcode: "036000291452", BarcodeType: jwo.BarcodeUPC, Name: "Water"}}}
	}
	sp := &suitePortal{}
	var stores []seed.Store
	for i := 1; i <= n; i++ {
		sp.stores = append(sp.stores, fmt.Sprintf("suite-%04d", i))
		stores = append(stores, store(sp.stores[i-1]))
	}
	if err := applySeed(ctx, db, seed.File{Merchants: []seed.Merchant{
		{ID: "bench", Stores: stores}, {ID: "other", Stores: []seed.Store{store("other-0001")}},
	}}); err != nil {
		b.Fatal(err)
	}
	var err error
	if sp.token, err = createToken(ctx, db, "bench", jwo.RoleOperator, "bench"); err != nil {
		b.Fatal(err)
	}
	if sp.other, err = createToken(ctx, db, "other", jwo.RoleOperator, "other"); err != nil {
		b.Fatal(err)
	}
	conn := connector.New(connector.Options{Latency: latency})
	srv := httptest.NewServer(conn)
	b.Cleanup(func() { conn.Close(); srv.Close() })
	sp.connectorURL = srv.URL
	p, err := portal.Open(ctx, portal.Options{DBPath: db, Dev: true, TestTimeout: 10 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = p.Close(context.Background()) })
	a, err := New(p.Service(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	sp.h = a.Handler()
	for _, id := range append(append([]string{}, sp.stores...), "other-0001") {
		token := sp.token
		if id == "other-0001" {
			token = sp.other
		}
		for _, m := range []string{"identity", "ordering"} {
			body := fmt.Sprintf(`{"endpoint_url":%q,"endpoint_type":"PUBLIC"}`, sp.connectorURL)
			if code, out := sp.call(http.MethodPut, "/v1/stores/"+id+"/connectors/"+m, token, body, ""); code != http.StatusCreated {
				b.Fatalf("PUT %s %s: %d %s", id, m, code, out)
			}
		}
	}
	return sp
}

func (sp *suitePortal) call(method, path, token, body, prefer string) (int, []byte) {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if prefer != "" {
		r.Header.Set("Prefer", prefer)
	}
	w := httptest.NewRecorder()
	sp.h.ServeHTTP(w, r)
	return w.Code, w.Body.Bytes()
}

// run starts a run of suite and waits for it; a 429 (the merchant's bound)
// is waited out, as a client does.
func (sp *suitePortal) run(b *testing.B, token, storeID, method, body string) jwo.ConnectivityTest {
	var run jwo.ConnectivityTest
	for {
		code, out := sp.call(http.MethodPost, "/v1/stores/"+storeID+"/connectors/"+method+"/tests", token, body, "")
		if code == http.StatusTooManyRequests {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		if code != http.StatusAccepted || json.Unmarshal(out, &run) != nil {
			b.Errorf("POST a run: %d %s", code, out)
			return run
		}
		break
	}
	for !run.Status.Finished() {
		code, out := sp.call(http.MethodGet, "/v1/tests/"+run.ID, token, "", "wait=10")
		if code != http.StatusOK || json.Unmarshal(out, &run) != nil {
			b.Errorf("GET the run: %d %s", code, out)
			return run
		}
	}
	return run
}

// BenchmarkConformanceSuiteOrdering: one ORDERING suite against the sample
// connector answering after 100 ms, end to end through the portal's queue.
// of_limit is the suite's time over the bound, 1.2 x (cases x 100
// ms) + 0.3 s: at most 1.
func BenchmarkConformanceSuiteOrdering(b *testing.B) {
	const latency = 100 * time.Millisecond
	sp := newSuitePortal(b, 1, latency)
	var cases int
	b.ResetTimer()
	for b.Loop() {
		run := sp.run(b, sp.token, sp.stores[0], "ordering", `{"suite":"CONFORMANCE","sku":"WATER-500"}`)
		if run.Status != jwo.TestSuccessful {
			b.Fatalf("suite %s %s %q", run.Status, run.Reason, run.Message)
		}
		cases = len(run.Cases)
	}
	per := b.Elapsed().Seconds() / float64(b.N)
	limit := 1.2*float64(cases)*latency.Seconds() + 0.3
	b.ReportMetric(per, "s/suite")
	b.ReportMetric(float64(cases), "cases")
	b.ReportMetric(per/limit, "of_limit")
}

// BenchmarkConformanceFairness: 1,000 IDENTITY suites over 250 stores of
// one merchant (the sample connector answering after 20 ms), and, once they
// fill the queue, one connectivity run of another merchant: other_s is how
// long that run took from its POST to its outcome (the bound: 2 s).
// peak_rss_MiB is this test process's (portal, connector and clients).
func BenchmarkConformanceFairness(b *testing.B) {
	sp := newSuitePortal(b, 250, 20*time.Millisecond)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		var wg sync.WaitGroup
		work := make(chan string)
		for range 40 {
			wg.Go(func() {
				for id := range work {
					if run := sp.run(b, sp.token, id, "identity", `{"suite":"CONFORMANCE"}`); run.Status != jwo.TestSuccessful {
						b.Errorf("suite %s %s %q", run.Status, run.Reason, run.Message)
					}
				}
			})
		}
		var other time.Duration
		wg.Go(func() {
			time.Sleep(time.Second) // the queue is full by then
			t0 := time.Now()
			if run := sp.run(b, sp.other, "other-0001", "identity", ""); run.Status != jwo.TestSuccessful {
				b.Errorf("the other merchant's run %s %q", run.Status, run.Message)
			}
			other = time.Since(t0)
		})
		for i := range 1000 {
			work <- sp.stores[i%len(sp.stores)]
		}
		close(work)
		wg.Wait()
		b.ReportMetric(1000/time.Since(start).Seconds(), "suites/s")
		b.ReportMetric(other.Seconds(), "other_s")
	}
	b.ReportMetric(peakRSSMiB(), "peak_rss_MiB")
}

// peakRSSMiB is the process's peak resident set (VmHWM), 0 where /proc has
// none.
func peakRSSMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range bytes.Lines(b) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			var kb float64
			if _, err := fmt.Sscan(string(rest), &kb); err == nil {
				return kb / 1024
			}
		}
	}
	return 0
}
