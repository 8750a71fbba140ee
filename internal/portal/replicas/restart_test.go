package replicas

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store/pgtest"
)

// PostgreSQL stopped under two replicas: reads and writes answer 503 with
// Retry-After while it is down (never a 500, never a half-written change),
// and once it is back both replicas serve again by themselves.
func TestPostgresRestartUnderReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Durable: the halt is a crash, and an answered write must survive it.
	cluster := pgtest.Start(t, pgtest.Options{Durable: true})
	db, err := cluster.CreateDatabase(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fx := newFixture(t, db, 2)
	reps := []*replica{startReplica(t, "replica-0", db), startReplica(t, "replica-1", db)}
	path := connectorPath(fx.stores[0], jwo.MethodIdentity)
	if a := do(http.MethodPut, reps[0].url+path, fx.operator, connectorBody("http://127.0.0.1:9/before")); a.status != http.StatusCreated {
		t.Fatalf("PUT before the restart: %d %s %v", a.status, a.body, a.err)
	}

	if err := cluster.Halt(); err != nil {
		t.Fatal(err)
	}
	for i, r := range reps {
		for _, req := range []struct{ method, path, body string }{
			{http.MethodGet, path, ""},
			{http.MethodPut, path, connectorBody(fmt.Sprintf("http://127.0.0.1:9/while-down/%d", i))},
			{http.MethodGet, "/healthz", ""},
		} {
			a := do(req.method, r.url+req.path, fx.operator, req.body)
			if a.err != nil {
				t.Fatalf("%s does not answer while PostgreSQL is down: %v\n%s", r.name, a.err, r.log())
			}
			if a.status != http.StatusServiceUnavailable || a.header.Get("Retry-After") == "" {
				t.Errorf("%s %s on %s while PostgreSQL is down: %d (Retry-After %q) %s %v, want 503 with Retry-After",
					req.method, req.path, r.name, a.status, a.header.Get("Retry-After"), a.body, a.err)
			}
		}
	}

	if err := cluster.Start(); err != nil {
		t.Fatal(err)
	}
	for _, r := range reps {
		deadline := time.Now().Add(30 * time.Second)
		for {
			a := do(http.MethodGet, r.url+path, fx.operator, "")
			if a.status == http.StatusOK {
				var c jwo.Connector
				a.json(t, &c)
				if c.Version != 1 || c.EndpointURL != "http://127.0.0.1:9/before" {
					t.Errorf("after the restart %s reads version %d %s: a write answered 503 was saved", r.name, c.Version, c.EndpointURL)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s still answers %d %s 30s after PostgreSQL came back", r.name, a.status, a.body)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	if a := do(http.MethodPut, reps[1].url+path, fx.operator, connectorBody("http://127.0.0.1:9/after"), "If-Match", `"1"`); a.status != http.StatusOK {
		t.Errorf("PUT after the restart: %d %s", a.status, a.body)
	}
	pg, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = pg.Close(ctx) }()
	var events int
	if err := pg.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE store_id = $1 AND action LIKE 'connector.%'`, fx.stores[0]).Scan(&events); err != nil || events != 2 {
		t.Errorf("%d audit events (%v), want 2: the create and the update after the restart", events, err)
	}
}
