// Command bench is `make bench`: it measures the provider against the floors
// no provider can beat, side by side in one run, and prints a table of
// ratios against the targets of PERFORMANCE.md.
//
// It prepares a portal database (a fleet of stores with every connector
// saved, and empty stores for the applies), serves it with bin/jwo-portal in
// a child process, and runs the real terraform against bin/terraform-provider-jwo
// and bin/terraform-provider-jwofloor through dev_overrides. Everything
// listens on 127.0.0.1 and lives in one temporary directory.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/connector"
)

type options struct {
	bin         string
	ns          []int
	runs        int
	applyRuns   int
	parallelism int
	tests       int
	testLatency time.Duration
	scaleStores int
	keep        bool
	quietFloor  bool
	engines     bool
	enginesOnly bool
}

func parseOptions() (options, error) {
	var o options
	var ns string
	flag.StringVar(&o.bin, "bin", "bin", "directory of jwo-portal, terraform-provider-jwo and terraform-provider-jwofloor")
	flag.StringVar(&ns, "n", "100,1000", "comma-separated numbers of connectors for the apply and plan rows (multiples of 4); empty skips them")
	flag.IntVar(&o.runs, "runs", 3, "repetitions of each no-op plan and jwo_stores read; the median is reported")
	flag.IntVar(&o.applyRuns, "apply-runs", 3, "repetitions of each apply (on fresh stores and state); the median is reported")
	flag.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism of every run")
	flag.IntVar(&o.tests, "tests", 400, "jwo_connectivity_test resources in the connectivity row; 0 skips it")
	flag.DurationVar(&o.testLatency, "test-latency", 100*time.Millisecond, "latency of the sample connector")
	flag.IntVar(&o.scaleStores, "stores", 10000, "stores of the fleet (each with four connectors saved) that jwo_stores lists")
	flag.BoolVar(&o.keep, "keep", false, "keep the working directory (state, logs, portal database)")
	flag.BoolVar(&o.quietFloor, "quiet-floor", false, "turn floor B's SDK logging off as the jwo provider does when Terraform discards provider logs (the default floor logs at the SDK's default, TRACE)")
	flag.BoolVar(&o.engines, "engines", true, "measure the portal on SQLite and on PostgreSQL (one and three replicas; needs the PostgreSQL server binaries)")
	flag.BoolVar(&o.enginesOnly, "engines-only", false, "run only the engine rows")
	flag.Parse()
	for f := range strings.SplitSeq(ns, ",") {
		if strings.TrimSpace(f) == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 || n%4 != 0 {
			return o, fmt.Errorf("-n %q: each N must be a positive multiple of 4", ns)
		}
		o.ns = append(o.ns, n)
	}
	if o.tests > o.scaleStores {
		return o, fmt.Errorf("-tests %d needs at least as many -stores (%d)", o.tests, o.scaleStores)
	}
	abs, err := filepath.Abs(o.bin)
	o.bin = abs
	return o, err
}

func main() {
	log.SetFlags(log.Ltime)
	log.SetPrefix("bench: ")
	o, err := parseOptions()
	if err != nil {
		log.Fatal(err)
	}
	// SIGTERM too: the deferred stops end the portals and the throwaway
	// PostgreSQL instead of leaving them to the init process.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, o options) error {
	for _, name := range []string{"jwo-portal", "terraform-provider-jwo", "terraform-provider-jwofloor"} {
		if _, err := os.Stat(filepath.Join(o.bin, name)); err != nil {
			return fmt.Errorf("%w: run `make bench` (or build it into %s first)", err, o.bin)
		}
	}
	dir, err := os.MkdirTemp("", "jwo-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		log.Printf("working directory %s (kept)", dir)
	} else {
		defer func() { _ = os.RemoveAll(dir) }()
	}
	cliPath := filepath.Join(dir, "terraform.rc")
	if err := os.WriteFile(cliPath, []byte(cliConfig(o.bin)), 0o644); err != nil {
		return err
	}

	// The sample connector, in-process on loopback, answers every call after
	// the latency the connectivity row is defined with.
	conn := connector.New(connector.Options{Latency: o.testLatency})
	defer conn.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	connSrv := &http.Server{Handler: conn, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = connSrv.Serve(ln) }()
	defer func() { _ = connSrv.Close() }()
	connURL := "http://" + ln.Addr().String()

	if o.enginesOnly {
		er, err := runEngines(ctx, o, dir, cliPath)
		if err != nil {
			return err
		}
		return er.print(os.Stdout)
	}
	start := time.Now()
	var benchIDs []string
	for _, n := range o.ns {
		for rep := range o.applyRuns {
			benchIDs = append(benchIDs, benchStoreIDs(applyPrefix(n, rep), n)...)
		}
	}
	fx, err := prepareFixture(ctx, dir, o.scaleStores, benchIDs, connURL)
	if err != nil {
		return fmt.Errorf("prepare the portal database: %w", err)
	}
	log.Printf("database ready: %d fleet stores with %d connectors, %d empty stores (%s)",
		o.scaleStores, 4*o.scaleStores, len(benchIDs), elapsed(start))

	portal, err := startPortal(ctx, o.bin, fx.dbPath, filepath.Join(dir, "portal.log"))
	if err != nil {
		return err
	}
	defer func() {
		if err := portal.stop(); err != nil {
			log.Print(err)
		}
	}()
	log.Printf("portal at %s", portal.url)

	b := &bench{o: o, dir: dir, cliPath: cliPath, portal: portal, fx: fx, connectorURL: connURL}
	var res results
	for _, n := range o.ns {
		r, err := b.applyRows(ctx, n)
		if err != nil {
			return err
		}
		res.applies = append(res.applies, r)
		if r.limited != nil {
			res.limited = *r.limited
		}
	}
	// Before the connectivity row, whose runs change the fleet's connectors.
	for _, n := range o.ns {
		if n/4 > o.scaleStores {
			continue
		}
		r, err := b.scaleRow(ctx, n)
		if err != nil {
			return err
		}
		res.scale = append(res.scale, r)
	}
	if o.tests > 0 {
		if res.tests, err = b.connectivityRow(ctx); err != nil {
			return err
		}
	}
	if res.stores, err = b.storesRow(ctx); err != nil {
		return err
	}
	if res.portalRSS, err = portal.peakRSS(); err != nil {
		return err
	}
	res.total = time.Since(start)
	if err := res.print(os.Stdout, o); err != nil {
		return err
	}
	if !o.engines {
		return nil
	}
	// After the main table, with its portal stopped: the engine rows run
	// portals of their own.
	if err := portal.stop(); err != nil {
		log.Print(err)
	}
	er, err := runEngines(ctx, o, dir, cliPath)
	if err != nil {
		return err
	}
	return er.print(os.Stdout)
}

func applyPrefix(n, rep int) string { return fmt.Sprintf("n%d-r%d", n, rep) }

type bench struct {
	o            options
	connectorURL string // the sample connector, where the fleet's connectors point
	dir          string
	cliPath      string
	portal       *portalProcess
	fx           fixture
}

func (b *bench) env(token string) []string {
	env := []string{"JWO_ENDPOINT=" + b.portal.url, "JWO_TOKEN=" + token}
	if b.o.quietFloor {
		env = append(env, "TF_LOG_SDK=OFF", "TF_LOG_PROVIDER_JWOFLOOR=OFF")
	}
	return env
}

// applyRows measures, for N connectors, the apply that creates them and a
// no-op plan of the result, for the two floors and the provider, and at
// N=limitedRowN the provider's plan through a rate-limited portal too. The
// variants take turns inside each repetition, so that a change of machine
// load in the middle of the run falls on all of them alike.
func (b *bench) applyRows(ctx context.Context, n int) (applyResult, error) {
	r := applyResult{n: n, apply: map[variant][]time.Duration{}, plan: map[variant][]time.Duration{}, providerCPU: map[variant][]time.Duration{}}
	var last map[variant]*workspace
	for rep := range b.o.applyRuns {
		last = map[variant]*workspace{}
		for i, v := range variants {
			ws, err := newWorkspace(filepath.Join(b.dir, fmt.Sprintf("apply-%d-%d-%d", n, rep, i)), b.cliPath,
				applyConfig(v, applyPrefix(n, rep), n), b.env(b.fx.benchToken)...)
			if err != nil {
				return r, err
			}
			last[v] = ws
			var sampler *rssSampler
			var before map[string]float64
			switch v {
			case ours:
				sampler = startRSSSampler(filepath.Join(b.o.bin, "terraform-provider-jwo"), 10*time.Millisecond)
				if before, err = b.portal.requests(ctx); err != nil {
					return r, err
				}
			case floorB:
				sampler = startRSSSampler(filepath.Join(b.o.bin, "terraform-provider-jwofloor"), 10*time.Millisecond)
			}
			d, err := ws.apply(ctx, b.o.parallelism)
			if sampler != nil {
				peak, cpu, procs := sampler.finish()
				r.providerCPU[v] = append(r.providerCPU[v], cpu)
				if v == ours {
					r.providerRSS, r.providerProcs = max(r.providerRSS, peak), procs
				} else {
					r.floorRSS = max(r.floorRSS, peak)
				}
			}
			if err != nil {
				return r, err
			}
			r.apply[v] = append(r.apply[v], d)
			log.Printf("N=%d apply %-26s %s", n, v, d.Round(time.Millisecond))
			if v == ours {
				after, err := b.portal.requests(ctx)
				if err != nil {
					return r, err
				}
				delta := diffCounters(before, after)
				r.applyRequests = delta.total()
				r.throttled += delta.throttled()
			}
		}
	}
	r.oursWS = last[ours]
	var limited *limitedPlans
	if n == limitedRowN {
		var err error
		if limited, err = b.startLimited(ctx, n, last[ours]); err != nil {
			return r, err
		}
		defer limited.stop()
	}
	for range b.o.runs {
		for _, v := range variants {
			before, err := b.portal.requests(ctx)
			if err != nil {
				return r, err
			}
			d, err := last[v].noopPlan(ctx, b.o.parallelism)
			if err != nil {
				return r, err
			}
			after, err := b.portal.requests(ctx)
			if err != nil {
				return r, err
			}
			r.plan[v] = append(r.plan[v], d)
			if v == ours {
				delta := diffCounters(before, after)
				r.refreshRequests = max(r.refreshRequests, delta.total())
				r.throttled += delta.throttled()
			}
			log.Printf("N=%d plan  %-26s %s", n, v, d.Round(time.Millisecond))
		}
		if limited != nil {
			if err := limited.plan(ctx, b); err != nil {
				return r, err
			}
		}
	}
	if limited != nil {
		r.limited = &limited.r
	}
	return r, nil
}

// connectivityRow applies tests jwo_connectivity_test resources against the
// sample connector, and the same number of floor resources, on fresh state
// each repetition.
func (b *bench) connectivityRow(ctx context.Context) (testsResult, error) {
	r := testsResult{n: b.o.tests, apply: map[variant][]time.Duration{}}
	for rep := range b.o.applyRuns {
		for i, v := range variants {
			env := b.env(b.fx.scaleToken)
			env = append(env, "JWOFLOOR_LATENCY="+b.o.testLatency.String())
			ws, err := newWorkspace(filepath.Join(b.dir, fmt.Sprintf("tests-%d-%d", rep, i)), b.cliPath, testsConfig(v, b.o.tests), env...)
			if err != nil {
				return r, err
			}
			before, err := b.portal.requests(ctx)
			if err != nil {
				return r, err
			}
			d, err := ws.apply(ctx, b.o.parallelism)
			if err != nil {
				return r, err
			}
			r.apply[v] = append(r.apply[v], d)
			log.Printf("%d tests %-26s %s", b.o.tests, v, d.Round(time.Millisecond))
			if v != ours {
				continue
			}
			after, err := b.portal.requests(ctx)
			if err != nil {
				return r, err
			}
			delta := diffCounters(before, after)
			r.polls = delta.route("GET /v1/tests/{test_id}")
			r.requests = delta.total()
			r.throttled += delta.throttled()
			if r.successful, err = ws.output(ctx, "successful"); err != nil {
				return r, err
			}
			// The refresh of the runs just made: what a plan of them costs.
			if r.planRequests, err = b.countRequests(ctx, func() error {
				_, err := ws.noopPlan(ctx, b.o.parallelism)
				return err
			}); err != nil {
				return r, err
			}
		}
	}
	return r, nil
}

// countRequests is how many API requests the portal answered while f ran.
func (b *bench) countRequests(ctx context.Context, f func() error) (float64, error) {
	before, err := b.portal.requests(ctx)
	if err != nil {
		return 0, err
	}
	if err := f(); err != nil {
		return 0, err
	}
	after, err := b.portal.requests(ctx)
	if err != nil {
		return 0, err
	}
	return diffCounters(before, after).total(), nil
}

// storesRow reads jwo_stores over the whole fleet, and floor B's made-up
// list of the same length. Each repetition is a fresh plan, which reads the
// data source; pages are GET /v1/stores calls.
func (b *bench) storesRow(ctx context.Context) (storesResult, error) {
	r := storesResult{}
	floorWS, err := newWorkspace(filepath.Join(b.dir, "stores-floor"), b.cliPath, storesConfig(floorB),
		append(b.env(b.fx.scaleToken), "JWOFLOOR_STORES="+strconv.Itoa(b.o.scaleStores))...)
	if err != nil {
		return r, err
	}
	ws, err := newWorkspace(filepath.Join(b.dir, "stores"), b.cliPath, storesConfig(ours), b.env(b.fx.scaleToken)...)
	if err != nil {
		return r, err
	}
	// Exit code 2: the plan has the output to add, which it can only know
	// by reading every store.
	plan := []string{"plan", "-detailed-exitcode", "-input=false", "-no-color", "-parallelism=" + strconv.Itoa(b.o.parallelism)}
	for range b.o.runs {
		fd, err := floorWS.run(ctx, 2, plan...)
		if err != nil {
			return r, err
		}
		r.floor = append(r.floor, fd)
		before, err := b.portal.requests(ctx)
		if err != nil {
			return r, err
		}
		sampler := startRSSSampler(filepath.Join(b.o.bin, "terraform-provider-jwo"), 10*time.Millisecond)
		d, err := ws.run(ctx, 2, plan...)
		_, cpu, _ := sampler.finish()
		if err != nil {
			return r, err
		}
		r.providerCPU = append(r.providerCPU, cpu)
		after, err := b.portal.requests(ctx)
		if err != nil {
			return r, err
		}
		r.pages = diffCounters(before, after).route("GET /v1/stores")
		r.read = append(r.read, d)
		log.Printf("jwo_stores over %d stores: %s (floor B %s), %.0f pages, CPU: provider %s, terraform and provider %s", b.o.scaleStores,
			d.Round(time.Millisecond), fd.Round(time.Millisecond), r.pages, cpu, ws.lastCPU)
	}
	// One apply, untimed, proves the data source saw every store.
	if _, err := ws.apply(ctx, b.o.parallelism); err != nil {
		return r, err
	}
	if r.count, err = ws.output(ctx, "stores"); err != nil {
		return r, err
	}
	return r, nil
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
