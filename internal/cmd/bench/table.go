package main

import (
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// Targets of issue 5, as ratios to the floor or absolute bounds.
const (
	applyTarget    = 1.10 // × floor B
	planTarget     = 1.20 // × floor B
	requestsTarget = 1.0  // per resource during a refresh
	testsTarget    = 1.5  // × (tests × latency / parallelism)
	// testsPlanRequestsTarget is per jwo_connectivity_test of a no-op plan.
	testsPlanRequestsTarget       = 0.05
	storesTarget                  = 2 * time.Second
	rssTarget                     = 150 << 20
	rssRowN                       = 1000 // the N whose apply the provider's peak memory is reported for
	limitedRowN                   = 1000 // the N whose no-op plan runs again through a rate-limited portal
	scaleTargetFromN              = 1000 // the smallest N the requests-per-connector target of the fleet rows applies to
	mib                     int64 = 1 << 20
)

type applyResult struct {
	n               int
	apply, plan     map[variant][]time.Duration
	applyRequests   float64 // all API requests of the provider's apply
	refreshRequests float64 // all API requests of one no-op plan (the most seen)
	throttled       float64 // 429 answers during the provider's runs
	providerRSS     int64
	providerProcs   int
	floorRSS        int64                       // floor B's provider during the same apply
	providerCPU     map[variant][]time.Duration // CPU time of the provider processes per apply, ours and floor B
	oursWS          *workspace                  // the provider's workspace, holding the N connectors
	limited         *limitedResult              // at N=limitedRowN: the plans through the rate-limited portal
}

type testsResult struct {
	n          int
	apply      map[variant][]time.Duration
	successful int
	polls      float64 // GET /v1/tests/{id} of the provider's last run
	requests   float64 // all API requests of the provider's last run
	// planRequests are the API requests of a no-op plan of the runs right
	// after the provider's last apply.
	planRequests float64
	throttled    float64
}

type storesResult struct {
	read        []time.Duration
	floor       []time.Duration // floor B's data source of as many stores
	providerCPU []time.Duration
	pages       float64
	count       int
}

type results struct {
	applies   []applyResult
	limited   limitedResult
	scale     []scaleResult
	tests     testsResult
	stores    storesResult
	portalRSS int64
	total     time.Duration
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

// print writes the table (aligned by tabwriter) and the notes under it.
func (res results) print(out io.Writer, o options) error {
	var t, w strings.Builder
	tw := &t
	floorLogs := "floor B logs at the SDK default (TRACE)"
	if o.quietFloor {
		floorLogs = "floor B's SDK logging off (-quiet-floor)"
	}
	fmt.Fprintf(&w, "\nterraform -parallelism=%d for every run; medians of %d apply run(s) and %d plan/read run(s); %s\n\n",
		o.parallelism, o.applyRuns, o.runs, floorLogs)
	fmt.Fprintln(tw, "figure\tjwo\tfloor A\tfloor B\tratio\ttarget\tresult")
	for _, r := range res.applies {
		a, fa, fb := median(r.apply[ours]), median(r.apply[floorA]), median(r.apply[floorB])
		ratio := a.Seconds() / fb.Seconds()
		fmt.Fprintf(tw, "apply N=%d\t%s\t%s\t%s\t%.2f× B (%.2f× A)\t≤ %.2f× B\t%s\n", r.n, secs(a), secs(fa), secs(fb),
			ratio, a.Seconds()/fa.Seconds(), applyTarget, verdict(ratio <= applyTarget))
		p, pa, pb := median(r.plan[ours]), median(r.plan[floorA]), median(r.plan[floorB])
		ratio = p.Seconds() / pb.Seconds()
		fmt.Fprintf(tw, "no-op plan N=%d\t%s\t%s\t%s\t%.2f× B (%.2f× A)\t≤ %.2f× B\t%s\n", r.n, secs(p), secs(pa), secs(pb),
			ratio, p.Seconds()/pa.Seconds(), planTarget, verdict(ratio <= planTarget))
		per := r.refreshRequests / float64(r.n)
		fmt.Fprintf(tw, "requests/resource, refresh N=%d\t%.2f\t-\t0\t%.0f of %d\t≤ %.0f\t%s\n", r.n, per,
			r.refreshRequests, r.n, requestsTarget, verdict(per <= requestsTarget))
		fmt.Fprintf(tw, "requests/resource, apply N=%d\t%.2f\t-\t0\t%.0f of %d\t(info)\t\n", r.n, r.applyRequests/float64(r.n), r.applyRequests, r.n)
	}
	for _, r := range res.applies {
		if r.n == limitedRowN && len(res.limited.plan) > 0 {
			l, p, pb := median(res.limited.plan), median(r.plan[ours]), median(r.plan[floorB])
			ratio, ratioB := l.Seconds()/p.Seconds(), l.Seconds()/pb.Seconds()
			fmt.Fprintf(tw, "no-op plan N=%d, --rate-limit %d\t%s\t-\t%s\t%.2f× unlimited (%.2f× B)\t≤ %.1f×, ≤ %.1f× B\t%s\n", r.n, limitedRate,
				secs(l), secs(pb), ratio, ratioB, limitedTarget, limitedFloorTarget, verdict(ratio <= limitedTarget && ratioB <= limitedFloorTarget))
		}
	}
	for _, r := range res.scale {
		// The target is set from N=1000 up: below, the whole merchant's 40
		// pages are more than a request per few connectors.
		per := r.requests / float64(r.n)
		target, result := fmt.Sprintf("≤ %.2f", scaleRequestsTarget), verdict(per <= scaleRequestsTarget)
		if r.n < scaleTargetFromN {
			target, result = "(info)", ""
		}
		fmt.Fprintf(tw, "requests/connector, no-op plan N=%d of %d\t%.3f\t-\t0\t%.0f of %d\t%s\t%s\n", r.n, r.fleet, per,
			r.requests, r.n, target, result)
	}
	for _, r := range res.applies {
		if r.n == rssRowN {
			fmt.Fprintf(tw, "provider peak RSS, apply N=%d\t%d MiB\t-\t%d MiB\t%.2f× target\t< %d MiB\t%s\n", r.n, r.providerRSS/mib, r.floorRSS/mib,
				float64(r.providerRSS)/rssTarget, rssTarget/mib, verdict(r.providerRSS < rssTarget))
		}
	}
	if res.tests.n > 0 {
		floor := time.Duration(res.tests.n) * o.testLatency / time.Duration(o.parallelism)
		t, ta, tb := median(res.tests.apply[ours]), median(res.tests.apply[floorA]), median(res.tests.apply[floorB])
		ratio := t.Seconds() / floor.Seconds()
		fmt.Fprintf(tw, "%d connectivity tests (%s)\t%s\t%s\t%s\t%.2f× 4 s floor (%.2f× B)\t≤ %.1f× %s\t%s\n", res.tests.n, o.testLatency, secs(t),
			secs(ta), secs(tb), ratio, t.Seconds()/tb.Seconds(), testsTarget, secs(floor),
			verdict(ratio <= testsTarget && res.tests.successful == res.tests.n))
		per := res.tests.planRequests / float64(res.tests.n)
		fmt.Fprintf(tw, "requests/run, no-op plan of %d connectivity tests\t%.3f\t-\t0\t%.0f of %d\t≤ %.2f\t%s\n", res.tests.n, per,
			res.tests.planRequests, res.tests.n, testsPlanRequestsTarget, verdict(per <= testsPlanRequestsTarget))
	}
	s, sb := median(res.stores.read), median(res.stores.floor)
	fmt.Fprintf(tw, "jwo_stores over %d stores\t%s, %.0f pages\t-\t%s\t%.2f× target (%.2f× B)\t< %s\t%s\n", res.stores.count, secs(s), res.stores.pages,
		secs(sb), s.Seconds()/storesTarget.Seconds(), s.Seconds()/sb.Seconds(), secs(storesTarget), verdict(s < storesTarget && res.stores.count == o.scaleStores))
	fmt.Fprintf(tw, "portal peak RSS (%d stores, %d connectors)\t%d MiB\t-\t-\t%.2f× target\t< %d MiB\t%s\n", o.scaleStores, 4*o.scaleStores,
		res.portalRSS/mib, float64(res.portalRSS)/rssTarget, rssTarget/mib, verdict(res.portalRSS < rssTarget))

	table := tabwriter.NewWriter(&w, 0, 0, 2, ' ', 0)
	_, _ = table.Write([]byte(t.String())) // into a strings.Builder: cannot fail
	_ = table.Flush()

	fmt.Fprintln(&w)
	for _, r := range res.applies {
		fmt.Fprintf(&w, "N=%d: apply runs %s; plan runs %s; provider CPU per apply: jwo %s s, floor B %s s (%d processes)",
			r.n, listRuns(r.apply), listRuns(r.plan), listSecs(r.providerCPU[ours]), listSecs(r.providerCPU[floorB]), r.providerProcs)
		if r.throttled > 0 {
			fmt.Fprintf(&w, "; %.0f answers were 429 (rate limited)", r.throttled)
		}
		fmt.Fprintln(&w)
	}
	if len(res.limited.plan) > 0 {
		fmt.Fprintf(&w, "N=%d through --rate-limit %d: plan runs %s s; %.0f API requests per plan, %.0f answers 429 in all\n",
			res.limited.n, limitedRate, listSecs(res.limited.plan), res.limited.requests, res.limited.throttled)
	}
	for _, r := range res.scale {
		fmt.Fprintf(&w, "N=%d of the fleet's %d connectors (every %d. store): plan runs %s s; %.0f answers 429\n",
			r.n, r.fleet, fleetStride(r.fleet/4, r.n), listSecs(r.plan), r.throttled)
	}
	if res.tests.n > 0 {
		fmt.Fprintf(&w, "connectivity tests: apply runs %s; %d of %d SUCCESSFUL; %.0f API requests, of which %.0f GET /v1/tests/{id}, in the last run\n",
			listRuns(res.tests.apply), res.tests.successful, res.tests.n, res.tests.requests, res.tests.polls)
	}
	fmt.Fprintf(&w, "jwo_stores: read runs %s s, floor B %s s; provider CPU %s s\n", listSecs(res.stores.read), listSecs(res.stores.floor), listSecs(res.stores.providerCPU))
	fmt.Fprintf(&w, "machine: %s; %d CPUs; %s; %s; %s; bench took %s\n", runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU(), memTotal(),
		runtime.Version(), terraformVersion(), res.total.Round(time.Second))
	_, err := io.WriteString(out, w.String())
	return err
}

func listRuns(m map[variant][]time.Duration) string {
	var parts []string
	for _, v := range variants {
		var ss []string
		for _, d := range m[v] {
			ss = append(ss, fmt.Sprintf("%.2f", d.Seconds()))
		}
		parts = append(parts, strings.SplitN(string(v), " (", 2)[0]+" "+strings.Join(ss, "/"))
	}
	return strings.Join(parts, ", ")
}

func listSecs(ds []time.Duration) string {
	ss := make([]string, 0, len(ds))
	for _, d := range ds {
		ss = append(ss, fmt.Sprintf("%.2f", d.Seconds()))
	}
	return strings.Join(ss, "/")
}

func terraformVersion() string {
	out, err := exec.Command("terraform", "version").Output()
	if err != nil {
		return "terraform ?"
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return first
}
