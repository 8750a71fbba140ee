package soak

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the driver the portal uses, to read its file after a kill

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
)

const (
	writers = 16
	// Each round's kill comes at a random moment after at least this many
	// PUTs were answered, and before twice as many.
	minAnsweredPerRound = 1000
	defaultKills        = 10
	// testEvery: one writer operation in testEvery starts a connectivity
	// test, so that runs are in flight when the kill comes.
	testEvery = 8
)

// soakMethods are the connectors every soak store takes; the first three
// can be tested without a catalog SKU.
var soakMethods = []jwo.Method{jwo.MethodIdentity, jwo.MethodLoyalty, jwo.MethodFraudAndAbuse, jwo.MethodOrdering}

// figures are the totals the soak reports (make soak prints them).
type figures struct {
	kills, putsSent, putsAnswered, inFlightAtKill, inFlightCommitted, lost int64
	runsStarted, runsRunningAtKill, runsInterrupted, runsRunningAfter      int64
}

// TestCrashSoak kills the portal process with SIGKILL in the middle of
// concurrent connector writes and connectivity runs, restarts it on the same
// database, and checks that no answered write was lost, the file is intact
// and no run stayed RUNNING. JWO_SOAK_SEED repeats a run; JWO_SOAK_KILLS
// sets the number of rounds.
func TestCrashSoak(t *testing.T) {
	if os.Getenv("JWO_SOAK") != "1" {
		t.Skip("the crash soak is long: run it with JWO_SOAK=1 (make soak)")
	}
	seedValue := uint64(time.Now().UnixNano())
	if s := os.Getenv("JWO_SOAK_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("JWO_SOAK_SEED=%q: %v", s, err)
		}
		seedValue = v
	}
	kills := defaultKills
	if s := os.Getenv("JWO_SOAK_KILLS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("JWO_SOAK_KILLS=%q: want a positive number", s)
		}
		kills = n
	}
	t.Logf("soak: seed %d (repeat with JWO_SOAK_SEED=%d), %d kills", seedValue, seedValue, kills)
	rng := rand.New(rand.NewPCG(seedValue, 0x50a4))

	bin := portalBinary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "portal.db")
	logPath := filepath.Join(dir, "portal.log")
	stores := seedStores(t, bin, dir, db)
	token := cli(t, bin, "token", "create", "--db", db, "--merchant", "soak", "--role", "operator", "--name", "soak-writer")
	hang := portaltest.SilentConnector(t)

	ledgers := make([]map[key]*keyState, writers)
	for w := range ledgers {
		ledgers[w] = map[key]*keyState{}
		for _, m := range soakMethods {
			ledgers[w][key{stores[w], m}] = &keyState{}
		}
	}
	var fig figures
	for round := 1; round <= kills; round++ {
		p := startPortal(t, bin, db, logPath)
		api := &apiClient{base: p.url, token: token, http: newHTTPClient()}
		if round > 1 {
			verifyRestart(t, api, db, ledgers, &fig)
		}
		threshold := minAnsweredPerRound + rng.IntN(minAnsweredPerRound)
		extra := time.Duration(rng.IntN(20_000)) * time.Microsecond
		t.Logf("soak: round %d: SIGKILL after %d answered PUTs plus %v", round, threshold, extra)
		runRound(t, api, p, round, hang, ledgers, rng.Uint64(), threshold, extra, &fig)
		fig.kills++
		checkFileAfterKill(t, db, &fig)
	}
	p := startPortal(t, bin, db, logPath)
	verifyRestart(t, &apiClient{base: p.url, token: token, http: newHTTPClient()}, db, ledgers, &fig)

	t.Logf("soak summary: seed=%d kills=%d puts_sent=%d puts_answered=%d in_flight_at_kill=%d in_flight_committed=%d lost=%d runs_started=%d runs_running_at_kill=%d runs_interrupted=%d runs_running_after_restart=%d integrity=ok",
		seedValue, fig.kills, fig.putsSent, fig.putsAnswered, fig.inFlightAtKill, fig.inFlightCommitted, fig.lost,
		fig.runsStarted, fig.runsRunningAtKill, fig.runsInterrupted, fig.runsRunningAfter)
	if fig.lost != 0 || fig.runsRunningAfter != 0 {
		t.Errorf("soak: %d answered writes lost, %d runs RUNNING after a restart; want 0 and 0", fig.lost, fig.runsRunningAfter)
	}
	if fig.inFlightAtKill == 0 || fig.runsRunningAtKill == 0 {
		t.Errorf("soak: no write (%d) or no run (%d) was in flight at any kill: the kills missed the load", fig.inFlightAtKill, fig.runsRunningAtKill)
	}
}

// seedStores loads one store per writer, each requiring all four methods,
// with `jwo-portal seed`.
func seedStores(t *testing.T, bin, dir, db string) []string {
	t.Helper()
	m := seed.Merchant{ID: "soak"}
	var ids []string
	for w := range writers {
		id := fmt.Sprintf("soak-store-%02d", w)
		ids = append(ids, id)
		m.Stores = append(m.Stores, seed.Store{StoreProfile: jwo.StoreProfile{
			ID: id, Name: "Soak " + strconv.Itoa(w), StoreType: jwo.StoreTypeJWO, Region: "us-east-1",
			EntryMethods:          []jwo.EntryMethod{jwo.EntryAppQR, jwo.EntryCreditCard},
			FraudAndAbuseStrategy: jwo.FraudCustomerManaged, OrderDelegation: true, LoyaltyProgram: true,
		}})
	}
	b, err := json.Marshal(seed.File{Merchants: []seed.Merchant{m}})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "seed.json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cli(t, bin, "seed", "--db", db, file)
	return ids
}

// runRound lets the writers loose, kills the portal at the chosen moment
// and waits for every writer to notice.
func runRound(t *testing.T, api *apiClient, p *portalProcess, round int, hang string, ledgers []map[key]*keyState,
	seedValue uint64, threshold int, extra time.Duration, fig *figures) {
	t.Helper()
	var answered atomic.Int64
	reached := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	var sent, runs atomic.Int64
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seedValue, uint64(w)))
			keys := make([]key, 0, len(soakMethods))
			for _, m := range soakMethods {
				keys = append(keys, key{fmt.Sprintf("soak-store-%02d", w), m})
			}
			for seq := 0; ; seq++ {
				k := keys[rng.IntN(len(keys))]
				st := ledgers[w][k]
				if seq%testEvery == testEvery-1 && st.answered != "" && k.method != jwo.MethodOrdering {
					code, _, err := api.do(http.MethodPost, "/v1/stores/"+k.store+"/connectors/"+k.method.PathSegment()+"/tests", nil)
					if err != nil {
						return // the portal is gone
					}
					if code == http.StatusTooManyRequests {
						continue // the merchant's bound of runs in progress: back-pressure, nothing started
					}
					if code != http.StatusAccepted {
						t.Errorf("start a run on %s: status %d", k, code)
						return
					}
					runs.Add(1)
					continue
				}
				value := fmt.Sprintf("%s/r%d/w%02d/%s/%d", hang, round, w, k.method.PathSegment(), seq)
				st.inflight = value
				sent.Add(1)
				body, _ := json.Marshal(jwo.ConnectorInput{EndpointURL: value, EndpointType: jwo.EndpointPublic})
				code, resp, err := api.do(http.MethodPut, "/v1/stores/"+k.store+"/connectors/"+k.method.PathSegment(), body)
				if err != nil {
					return // no answer: the write stays in flight
				}
				var c jwo.Connector
				if code/100 != 2 || json.Unmarshal(resp, &c) != nil || c.EndpointURL != value {
					t.Errorf("PUT %s = %s: status %d, body %.300s", k, value, code, resp)
					return
				}
				st.answered, st.version, st.inflight = value, c.Version, ""
				if answered.Add(1) == int64(threshold) {
					once.Do(func() { close(reached) })
				}
			}
		}()
	}
	select {
	case <-reached:
		time.Sleep(extra)
	case <-p.done:
		t.Fatalf("round %d: the portal exited on its own: %v\n%s", round, p.err, tail(p.logs))
	case <-time.After(5 * time.Minute):
		t.Fatalf("round %d: %d PUTs answered in 5 minutes, want %d", round, answered.Load(), threshold)
	}
	p.kill(t)
	wg.Wait()
	var inFlight int64
	for _, l := range ledgers {
		for _, st := range l {
			if st.inflight != "" {
				inFlight++
			}
		}
	}
	t.Logf("soak: round %d killed: %d PUTs sent, %d answered, %d in flight, %d runs started", round, sent.Load(), answered.Load(), inFlight, runs.Load())
	fig.putsSent += sent.Load()
	fig.putsAnswered += answered.Load()
	fig.inFlightAtKill += inFlight
	fig.runsStarted += runs.Load()
}

// checkFileAfterKill opens the database file of the dead process read-only:
// SQLite must find it intact, and the runs still RUNNING are those the kill
// interrupted.
func checkFileAfterKill(t *testing.T, db string, fig *figures) {
	t.Helper()
	conn := openReadOnly(t, db)
	defer func() { _ = conn.Close() }()
	rows, err := conn.Query("PRAGMA integrity_check")
	if err != nil {
		t.Fatalf("integrity_check: %v", err)
	}
	var result []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		result = append(result, s)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if len(result) != 1 || result[0] != "ok" {
		t.Fatalf("integrity_check after SIGKILL: %v", result)
	}
	fig.runsRunningAtKill += runningRuns(t, conn)
}

func openReadOnly(t *testing.T, db string) *sql.DB {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

func runningRuns(t *testing.T, conn *sql.DB) int64 {
	t.Helper()
	var n int64
	if err := conn.QueryRow(`SELECT count(*) FROM tests WHERE status = 'RUNNING'`).Scan(&n); err != nil {
		t.Fatalf("count RUNNING runs: %v", err)
	}
	return n
}

// verifyRestart checks the restarted portal against the ledgers, through
// the API, then makes what it found the new starting point.
func verifyRestart(t *testing.T, api *apiClient, db string, ledgers []map[key]*keyState, fig *figures) {
	t.Helper()
	for w := range ledgers {
		st := fmt.Sprintf("soak-store-%02d", w)
		code, body, err := api.do(http.MethodGet, "/v1/stores/"+st+"/connectors", nil)
		if err != nil || code != http.StatusOK {
			t.Fatalf("list connectors of %s after restart: %d %v %s", st, code, err, body)
		}
		var list jwo.ConnectorList
		if err := json.Unmarshal(body, &list); err != nil {
			t.Fatal(err)
		}
		stored := map[jwo.Method]*jwo.Connector{}
		for i := range list.Connectors {
			stored[list.Connectors[i].Method] = &list.Connectors[i]
		}
		for k, ks := range ledgers[w] {
			got := stored[k.method]
			switch out, why := judge(*ks, got); out {
			case lost:
				fig.lost++
				t.Errorf("%s after restart: %s", k, why)
			case committed:
				fig.inFlightCommitted++
			}
			if got == nil {
				*ks = keyState{}
			} else {
				*ks = keyState{answered: got.EndpointURL, version: got.Version}
			}
			checkNoRunRunning(t, api, k, fig)
		}
	}
	conn := openReadOnly(t, db)
	defer func() { _ = conn.Close() }()
	if n := runningRuns(t, conn); n != 0 {
		fig.runsRunningAfter += n
		t.Errorf("%d runs are RUNNING in the database after a restart", n)
	}
	var interrupted int64
	if err := conn.QueryRow(`SELECT count(*) FROM tests WHERE message LIKE 'the portal stopped before the run finished%'`).Scan(&interrupted); err != nil {
		t.Fatal(err)
	}
	fig.runsInterrupted = interrupted
}

// checkNoRunRunning reads a key's recent runs through the API.
func checkNoRunRunning(t *testing.T, api *apiClient, k key, fig *figures) {
	t.Helper()
	code, body, err := api.do(http.MethodGet, "/v1/stores/"+k.store+"/connectors/"+k.method.PathSegment()+"/tests?limit=100", nil)
	if err != nil || code != http.StatusOK {
		t.Fatalf("list runs of %s after restart: %d %v %s", k, code, err, body)
	}
	var list jwo.TestList
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	for _, run := range list.Tests {
		if run.Status == jwo.TestRunning {
			fig.runsRunningAfter++
			t.Errorf("run %s of %s is RUNNING after a restart", run.ID, k)
		}
	}
}

// apiClient sends raw requests: no retries, so that every answer counted is
// the portal's own.
type apiClient struct {
	base, token string
	http        *http.Client
}

func newHTTPClient() *http.Client {
	return &http.Client{
		Timeout:   time.Minute,
		Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: writers * 2},
	}
}

func (a *apiClient) do(method, path string, body []byte) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, r)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, b, nil
}
