package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store/pgtest"
)

// The engine rows: the portal's write and read rates on SQLite and on
// PostgreSQL with one and with three replicas, and the provider's apply of
// N connectors on each engine, in one run so that the ratios share the
// machine's load. PostgreSQL is a throwaway cluster with fsync and
// synchronous commits on, as durable as SQLite's synchronous=FULL.

const (
	engineWriters  = 16
	enginePutTime  = 5 * time.Second
	engineGetTime  = 3 * time.Second
	engineApplyOfN = 1000
)

type engineSetup struct {
	name     string
	postgres bool
	replicas int
}

var engineSetups = []engineSetup{
	{"SQLite", false, 1},
	{"PostgreSQL", true, 1},
	{"PostgreSQL", true, 3},
}

type engineRow struct {
	setup      engineSetup
	puts       int64
	putsPerSec float64
	getP50     time.Duration
	getP99     time.Duration
	gets       int
}

type engineResults struct {
	rows        []engineRow
	n           int
	applySQLite time.Duration
	applyPG     time.Duration
}

// engineBench holds what every engine row needs.
type engineBench struct {
	o       options
	dir     string
	cliPath string
	cluster *pgtest.Server
	dbs     int
}

// location makes a fresh database of the setup's engine.
func (e *engineBench) location(ctx context.Context, postgres bool) (string, error) {
	e.dbs++
	if postgres {
		return e.cluster.CreateDatabase(ctx)
	}
	return filepath.Join(e.dir, fmt.Sprintf("engine-%d.db", e.dbs)), nil
}

// seedStores writes the stores of benchMerchant and returns an operator token.
func seedStores(ctx context.Context, db string, ids []string) (string, error) {
	stores := make([]seed.Store, 0, len(ids))
	for _, id := range ids {
		stores = append(stores, fourMethodStore(id))
	}
	var token string
	err := portal.Administer(ctx, db, func(svc *portal.Service) error {
		if err := svc.ApplySeed(ctx, seed.File{Merchants: []seed.Merchant{{ID: benchMerchant, Stores: stores}}}); err != nil {
			return err
		}
		var err error
		token, err = operatorToken(ctx, svc, benchMerchant, "bench-engines")
		return err
	})
	return token, err
}

// operatorToken is a new operator token of merchant that never expires.
func operatorToken(ctx context.Context, svc *portal.Service, merchant, name string) (string, error) {
	token, _, err := svc.IssueToken(ctx, portal.TokenSpec{Merchant: merchant, Role: jwo.RoleOperator, Name: name})
	return token, err
}

func runEngines(ctx context.Context, o options, dir, cliPath string) (engineResults, error) {
	var res engineResults
	cluster, err := pgtest.StartCluster(pgtest.Options{Durable: true})
	if err != nil {
		return res, fmt.Errorf("throwaway PostgreSQL: %w", err)
	}
	defer cluster.Stop()
	e := &engineBench{o: o, dir: dir, cliPath: cliPath, cluster: cluster}
	for _, s := range engineSetups {
		row, err := e.rates(ctx, s)
		if err != nil {
			return res, fmt.Errorf("%s with %d replica(s): %w", s.name, s.replicas, err)
		}
		res.rows = append(res.rows, row)
		log.Printf("%s, %d replica(s): %.0f PUT/s (%d in %s), GET p50 %s p99 %s", s.name, s.replicas, row.putsPerSec, row.puts, enginePutTime,
			row.getP50.Round(10*time.Microsecond), row.getP99.Round(10*time.Microsecond))
	}
	res.n = engineApplyOfN
	if res.applySQLite, err = e.apply(ctx, false, res.n); err != nil {
		return res, err
	}
	if res.applyPG, err = e.apply(ctx, true, res.n); err != nil {
		return res, err
	}
	log.Printf("N=%d apply: SQLite %s, PostgreSQL %s", res.n, res.applySQLite.Round(time.Millisecond), res.applyPG.Round(time.Millisecond))
	return res, nil
}

// startReplicas serves db with n jwo-portal processes.
func (e *engineBench) startReplicas(ctx context.Context, db string, n int) ([]*portalProcess, func(), error) {
	var ps []*portalProcess
	stop := func() {
		for _, p := range ps {
			if err := p.stop(); err != nil {
				log.Print(err)
			}
		}
	}
	for i := range n {
		p, err := startPortal(ctx, e.o.bin, db, filepath.Join(e.dir, fmt.Sprintf("engine-%d-portal-%d.log", e.dbs, i)), "--rate-limit", "0")
		if err != nil {
			stop()
			return nil, nil, err
		}
		ps = append(ps, p)
	}
	return ps, stop, nil
}

// rates runs 16 writers for enginePutTime, each replacing the endpoint of
// its own connector (every PUT a real change: a new version and an audit
// event) on the replicas in turn, then 16 readers of those connectors for
// engineGetTime.
func (e *engineBench) rates(ctx context.Context, s engineSetup) (engineRow, error) {
	row := engineRow{setup: s}
	db, err := e.location(ctx, s.postgres)
	if err != nil {
		return row, err
	}
	ids := benchStoreIDs(fmt.Sprintf("eng%d", e.dbs), engineWriters*len(jwo.Methods))
	token, err := seedStores(ctx, db, ids)
	if err != nil {
		return row, err
	}
	ps, stop, err := e.startReplicas(ctx, db, s.replicas)
	if err != nil {
		return row, err
	}
	defer stop()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2 * engineWriters}, Timeout: 30 * time.Second}
	send := func(method, url, body string) (int, error) {
		req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return resp.StatusCode, nil
	}
	path := func(w int) string { return "/v1/stores/" + ids[w] + "/connectors/IDENTITY" }

	var puts atomic.Int64
	var failed atomic.Value
	deadline := time.Now().Add(enginePutTime)
	var wg sync.WaitGroup
	for w := range engineWriters {
		wg.Go(func() {
			for k := 0; time.Now().Before(deadline); k++ {
				p := ps[(w+k)%len(ps)]
				body := fmt.Sprintf(`{"endpoint_url":"%s/w%d/%d","endpoint_type":"PUBLIC"}`, benchEndpoint, w, k)
				code, err := send(http.MethodPut, p.url+path(w), body)
				if err != nil || (code != http.StatusOK && code != http.StatusCreated) {
					failed.Store(fmt.Sprintf("PUT %s: %d %v", path(w), code, err))
					return
				}
				puts.Add(1)
			}
		})
	}
	wg.Wait()
	if f := failed.Load(); f != nil {
		return row, fmt.Errorf("%s", f)
	}
	row.puts = puts.Load()
	row.putsPerSec = float64(row.puts) / enginePutTime.Seconds()

	var mu sync.Mutex
	var lat []time.Duration
	deadline = time.Now().Add(engineGetTime)
	for w := range engineWriters {
		wg.Go(func() {
			var mine []time.Duration
			for k := 0; time.Now().Before(deadline); k++ {
				start := time.Now()
				code, err := send(http.MethodGet, ps[(w+k)%len(ps)].url+path(w), "")
				if err != nil || code != http.StatusOK {
					failed.Store(fmt.Sprintf("GET %s: %d %v", path(w), code, err))
					return
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if f := failed.Load(); f != nil {
		return row, fmt.Errorf("%s", f)
	}
	slices.Sort(lat)
	row.gets = len(lat)
	if len(lat) > 0 {
		row.getP50 = lat[len(lat)/2]
		row.getP99 = lat[len(lat)*99/100]
	}
	return row, nil
}

// apply times the provider's apply of n new connectors against one replica.
func (e *engineBench) apply(ctx context.Context, postgres bool, n int) (time.Duration, error) {
	db, err := e.location(ctx, postgres)
	if err != nil {
		return 0, err
	}
	prefix := fmt.Sprintf("eng%d", e.dbs)
	token, err := seedStores(ctx, db, benchStoreIDs(prefix, n))
	if err != nil {
		return 0, err
	}
	ps, stop, err := e.startReplicas(ctx, db, 1)
	if err != nil {
		return 0, err
	}
	defer stop()
	ws, err := newWorkspace(filepath.Join(e.dir, fmt.Sprintf("engine-apply-%d", e.dbs)), e.cliPath, applyConfig(ours, prefix, n),
		"JWO_ENDPOINT="+ps[0].url, "JWO_TOKEN="+token)
	if err != nil {
		return 0, err
	}
	return ws.apply(ctx, e.o.parallelism)
}

func (res engineResults) print(out io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\nEngines: %d concurrent writers for %s (each PUT a new endpoint: version and audit event), then %d readers for %s\n",
		engineWriters, enginePutTime, engineWriters, engineGetTime)
	fmt.Fprintf(&b, "| engine | replicas | PUT/s | vs SQLite | GET p50 | GET p99 |\n|---|---:|---:|---:|---:|---:|\n")
	base := 0.0
	if len(res.rows) > 0 {
		base = res.rows[0].putsPerSec
	}
	for _, r := range res.rows {
		ratio := 0.0
		if base > 0 {
			ratio = r.putsPerSec / base
		}
		fmt.Fprintf(&b, "| %s | %d | %.0f | %.2fx | %s | %s |\n", r.setup.name, r.setup.replicas, r.putsPerSec, ratio,
			r.getP50.Round(10*time.Microsecond), r.getP99.Round(10*time.Microsecond))
	}
	if res.applySQLite > 0 {
		fmt.Fprintf(&b, "\nProvider apply of N=%d connectors, one replica: SQLite %s, PostgreSQL %s: %.2fx (target <= 1.2x)\n",
			res.n, res.applySQLite.Round(time.Millisecond), res.applyPG.Round(time.Millisecond),
			float64(res.applyPG)/float64(res.applySQLite))
	}
	_, err := io.WriteString(out, b.String())
	return err
}
