package replicas

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/justwalkout/terraform-provider-jwo/internal/connector"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store/pgtest"
)

const (
	writers         = 16
	writesPerWriter = 12
)

// written is one PUT that a replica answered 2xx.
type written struct {
	version int64
	url     string
}

// Three replicas on one PostgreSQL, 16 writers spread across them, one
// replica killed with SIGKILL half-way: every answered write is in the
// database with the version it was answered with, the audit log has one
// event per change, the runs the killed replica accepted finish (those it
// had claimed as interrupted, once its lease is over), and races across
// replicas have one winner each.
func TestThreeReplicasOnePostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDatabase(t)
	fx := newFixture(t, db, writers)
	slow := portaltest.StartConnector(t, connector.Options{Latency: 4 * time.Second})
	reps := make([]*replica, 3)
	for i := range reps {
		reps[i] = startReplica(t, fmt.Sprintf("replica-%d", i), db)
	}
	doomed, live := reps[0], reps[1:]

	// Runs accepted by the doomed replica just before the kill, each calling
	// a connector that answers after it: those the doomed replica claimed
	// are interrupted, those a live one claimed succeed.
	runStore := fx.stores[0]
	if a := do(http.MethodPut, live[0].url+connectorPath(runStore, jwo.MethodLoyalty), fx.operator, connectorBody(slow.URL)); a.status != http.StatusCreated {
		t.Fatalf("PUT the run's connector: %d %s %v", a.status, a.body, a.err)
	}

	var answered atomic.Int64
	killed := make(chan struct{})
	var doomedRuns []string
	go func() {
		defer close(killed)
		for answered.Load() < writers*writesPerWriter/2 {
			time.Sleep(5 * time.Millisecond)
		}
		for range 4 {
			a := do(http.MethodPost, doomed.url+connectorPath(runStore, jwo.MethodLoyalty)+"/tests", fx.operator, "")
			var run jwo.ConnectivityTest
			if a.status == http.StatusAccepted && json.Unmarshal(a.body, &run) == nil {
				doomedRuns = append(doomedRuns, run.ID)
			}
		}
		time.Sleep(200 * time.Millisecond) // the calls are under way
		doomed.kill(t)
	}()

	history := make([][]written, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			path := connectorPath(fx.stores[w], jwo.MethodIdentity)
			for k := range writesPerWriter {
				url := fmt.Sprintf("%s/writer-%d/write-%d", slow.URL, w, k)
				// A write whose answer was lost is sent again to the next
				// replica: a PUT of the same values is a no-op if the
				// first one committed.
				for attempt := 0; ; attempt++ {
					if attempt == 3*len(reps) {
						t.Errorf("writer %d write %d: no replica answered", w, k)
						return
					}
					r := reps[(w+k+attempt)%len(reps)]
					a := do(http.MethodPut, r.url+path, fx.operator, connectorBody(url))
					if a.err != nil || a.status == http.StatusServiceUnavailable {
						continue
					}
					if a.status != http.StatusOK && a.status != http.StatusCreated {
						t.Errorf("writer %d write %d on %s: %d %s", w, k, r.name, a.status, a.body)
						return
					}
					var c jwo.Connector
					a.json(t, &c)
					if etag := a.header.Get("ETag"); etag != strconv.Quote(strconv.FormatInt(c.Version, 10)) {
						t.Errorf("writer %d: ETag %s for version %d", w, etag, c.Version)
					}
					history[w] = append(history[w], written{c.Version, c.EndpointURL})
					answered.Add(1)
					break
				}
			}
		})
	}
	wg.Wait()
	<-killed
	if len(doomedRuns) == 0 {
		t.Fatal("no run was started on the doomed replica")
	}

	pg, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = pg.Close(ctx) }()
	checkWrites(t, pg, fx, history)
	checkRunsInterrupted(t, pg, live[0], fx, doomedRuns)
	checkIdempotencyAcrossReplicas(t, pg, live, fx)
	checkIfMatchRaces(t, live, fx)
	checkLongPollAcrossReplicas(t, live, fx, slow)
	checkPageTokenAcrossReplicas(t, live, fx)
}

// checkWrites: each connector holds its writer's last answered write; every
// answered write has its audit event with the same version and URL; and
// there is one event per version, no more.
func checkWrites(t *testing.T, pg *pgx.Conn, fx fixture, history [][]written) {
	t.Helper()
	ctx := context.Background()
	for w, h := range history {
		if len(h) != writesPerWriter {
			t.Errorf("writer %d had %d answered writes, want %d", w, len(h), writesPerWriter)
			continue
		}
		for i := 1; i < len(h); i++ {
			if h[i].version != h[i-1].version+1 {
				t.Errorf("writer %d: version %d answered after %d", w, h[i].version, h[i-1].version)
			}
		}
		last := h[len(h)-1]
		var version int64
		var url string
		err := pg.QueryRow(ctx, `SELECT version, endpoint_url FROM connectors WHERE merchant_id = $1 AND store_id = $2 AND method = $3`,
			merchant, fx.stores[w], string(jwo.MethodIdentity)).Scan(&version, &url)
		if err != nil {
			t.Fatalf("writer %d's connector: %v", w, err)
		}
		if version != last.version || url != last.url {
			t.Errorf("writer %d: the database has version %d %s, the last answer was version %d %s", w, version, url, last.version, last.url)
		}
		rows, err := pg.Query(ctx, `SELECT after FROM audit_events WHERE merchant_id = $1 AND store_id = $2 AND method = $3 AND action IN ($4, $5)`,
			merchant, fx.stores[w], string(jwo.MethodIdentity), jwo.ActionConnectorCreate, jwo.ActionConnectorUpdate)
		if err != nil {
			t.Fatal(err)
		}
		events := map[written]int{}
		n := 0
		for rows.Next() {
			var after string
			if err := rows.Scan(&after); err != nil {
				t.Fatal(err)
			}
			var c jwo.Connector
			if err := json.Unmarshal([]byte(after), &c); err != nil {
				t.Fatal(err)
			}
			events[written{c.Version, c.EndpointURL}]++
			n++
		}
		rows.Close()
		if int64(n) != version {
			t.Errorf("writer %d: %d change events for a connector at version %d, want one per version", w, n, version)
		}
		for _, wr := range h {
			if events[wr] != 1 {
				t.Errorf("writer %d: %d audit events for answered version %d %s, want 1", w, events[wr], wr.version, wr.url)
			}
		}
	}
}

// checkRunsInterrupted: a long poll on a live replica sees each run
// accepted by the killed replica finish: as interrupted once the lease runs
// out if the killed replica had claimed it, or SUCCESSFUL if a live replica
// had; and no run is left RUNNING.
func checkRunsInterrupted(t *testing.T, pg *pgx.Conn, r *replica, fx fixture, ids []string) {
	t.Helper()
	deadline := time.Now().Add(10 * lease)
	outcomes := map[string]int{}
	defer func() { t.Logf("runs accepted by the killed replica finished: %v", outcomes) }()
	for _, id := range ids {
		for {
			a := do(http.MethodGet, r.url+"/v1/tests/"+id, fx.operator, "", "Prefer", "wait=5")
			var run jwo.ConnectivityTest
			if a.status == http.StatusOK {
				a.json(t, &run)
			}
			if run.Status.Finished() {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("run %s of the killed replica is still %s %v after %s (lease %s)", id, run.Status, a.err, 10*lease, lease)
			}
		}
		var status, reason string
		var claimerAlive bool
		err := pg.QueryRow(context.Background(), `SELECT t.status, t.reason, COALESCE(r.alive_until >= $2, false)
			FROM tests t LEFT JOIN replicas r ON r.id = t.replica_id WHERE t.id = $1`,
			id, time.Now().UTC().Format("2006-01-02T15:04:05.000Z")).Scan(&status, &reason, &claimerAlive)
		if err != nil {
			t.Fatal(err)
		}
		outcomes[status+"/"+reason]++
		want := status == string(jwo.TestUnsuccessful) && reason == string(jwo.ReasonInterrupted)
		if claimerAlive {
			want = status == string(jwo.TestSuccessful)
		}
		if !want {
			t.Errorf("run %s finished %s/%s, claimed by a replica alive: %v; want SUCCESSFUL on a live one, interrupted on the killed one",
				id, status, reason, claimerAlive)
		}
	}
	var running int
	if err := pg.QueryRow(context.Background(), `SELECT count(*) FROM tests WHERE status = 'RUNNING'`).Scan(&running); err != nil {
		t.Fatal(err)
	}
	if running != 0 {
		t.Errorf("%d runs RUNNING after the lease of the killed replica ran out", running)
	}
}

// checkIdempotencyAcrossReplicas: one Idempotency-Key sent to two replicas
// at once starts one run, which both answer.
func checkIdempotencyAcrossReplicas(t *testing.T, pg *pgx.Conn, live []*replica, fx fixture) {
	t.Helper()
	path := connectorPath(fx.stores[0], jwo.MethodLoyalty) + "/tests"
	for round := range 5 {
		key := fmt.Sprintf("replica-key-%d", round)
		ids := make([]string, len(live))
		var wg sync.WaitGroup
		for i, r := range live {
			wg.Go(func() {
				a := do(http.MethodPost, r.url+path, fx.operator, "", "Idempotency-Key", key)
				if a.status != http.StatusAccepted {
					t.Errorf("POST with key %s on %s: %d %s %v", key, r.name, a.status, a.body, a.err)
					return
				}
				var run jwo.ConnectivityTest
				a.json(t, &run)
				ids[i] = run.ID
			})
		}
		wg.Wait()
		if ids[0] == "" || ids[0] != ids[1] {
			t.Errorf("key %s answered runs %v, want one run", key, ids)
		}
		var n int
		if err := pg.QueryRow(context.Background(), `SELECT count(*) FROM tests WHERE idempotency_key = $1`, key).Scan(&n); err != nil || n != 1 {
			t.Errorf("key %s: %d runs in the database (%v), want 1", key, n, err)
		}
	}
}

// checkIfMatchRaces: writers on different replicas with the same If-Match:
// exactly one wins each round, the others get 412.
func checkIfMatchRaces(t *testing.T, live []*replica, fx fixture) {
	t.Helper()
	path := connectorPath(fx.stores[1], jwo.MethodOrdering)
	if a := do(http.MethodPut, live[0].url+path, fx.operator, connectorBody("http://127.0.0.1:9/race/start")); a.status != http.StatusCreated {
		t.Fatalf("PUT the race's connector: %d %s", a.status, a.body)
	}
	for round := range 5 {
		etag := do(http.MethodGet, live[1].url+path, fx.operator, "").header.Get("ETag")
		const racers = 4
		statuses := make([]int, racers)
		var wg sync.WaitGroup
		for i := range racers {
			r := live[i%len(live)]
			wg.Go(func() {
				a := do(http.MethodPut, r.url+path, fx.operator, connectorBody(fmt.Sprintf("http://127.0.0.1:9/race/%d/%d", round, i)), "If-Match", etag)
				statuses[i] = a.status
			})
		}
		wg.Wait()
		won, lost := 0, 0
		for _, s := range statuses {
			switch s {
			case http.StatusOK:
				won++
			case http.StatusPreconditionFailed:
				lost++
			}
		}
		if won != 1 || lost != racers-1 {
			t.Errorf("round %d with If-Match %s: statuses %v, want one 200 and %d 412", round, etag, statuses, racers-1)
		}
	}
}

// checkLongPollAcrossReplicas: a run started on one replica is waited for
// on another with Prefer: wait, which answers when the run finishes there.
func checkLongPollAcrossReplicas(t *testing.T, live []*replica, fx fixture, slow *portaltest.Connector) {
	t.Helper()
	slow.Connector.SetLatency(300 * time.Millisecond)
	path := connectorPath(fx.stores[2], jwo.MethodLoyalty)
	if a := do(http.MethodPut, live[0].url+path, fx.operator, connectorBody(slow.URL)); a.status != http.StatusCreated {
		t.Fatalf("PUT: %d %s", a.status, a.body)
	}
	a := do(http.MethodPost, live[0].url+path+"/tests", fx.operator, "")
	var run jwo.ConnectivityTest
	a.json(t, &run)
	start := time.Now()
	a = do(http.MethodGet, live[1].url+"/v1/tests/"+run.ID, fx.operator, "", "Prefer", "wait=15")
	waited := time.Since(start)
	a.json(t, &run)
	if run.Status != jwo.TestSuccessful || a.header.Get("Preference-Applied") != "wait=15" {
		t.Errorf("long poll on the other replica: %s (Preference-Applied %q), want SUCCESSFUL", run.Status, a.header.Get("Preference-Applied"))
	}
	if waited > 10*time.Second {
		t.Errorf("the long poll answered after %s: it did not hear the run finish on the other replica", waited)
	}
}

// checkPageTokenAcrossReplicas: a page token from one replica continues the
// list on another.
func checkPageTokenAcrossReplicas(t *testing.T, live []*replica, fx fixture) {
	t.Helper()
	var first, second jwo.StorePage
	do(http.MethodGet, live[0].url+"/v1/stores?page_size=5", fx.operator, "").json(t, &first)
	if first.NextPageToken == "" {
		t.Fatal("no next_page_token on the first page")
	}
	do(http.MethodGet, live[1].url+"/v1/stores?page_size=5&page_token="+first.NextPageToken, fx.operator, "").json(t, &second)
	if len(second.Stores) != 5 || second.Stores[0].ID != fx.stores[5] {
		t.Errorf("second page on the other replica starts at %v, want %s", second.Stores, fx.stores[5])
	}
}
