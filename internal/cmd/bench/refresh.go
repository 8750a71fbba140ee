package main

import (
	"context"
	"fmt"
	"log"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Targets of issue 12.
const (
	scaleRequestsTarget = 0.05 // requests per connector of a no-op plan among the fleet's connectors
	limitedTarget       = 1.5  // × the same plan without the rate limit
	limitedFloorTarget  = 1.2  // × floor B's plan
	limitedRate         = 10   // jwo-portal serve --rate-limit
)

// scaleResult is a no-op plan of n connectors of the fleet merchant: a small
// configuration in a large merchant, spread over the whole of it.
type scaleResult struct {
	n, fleet  int
	plan      []time.Duration
	requests  float64 // all API requests of one no-op plan (the most seen)
	throttled float64
}

// limitedResult is the no-op plan of an apply row, again, through a portal
// that allows limitedRate requests a second per token.
type limitedResult struct {
	n         int
	plan      []time.Duration
	requests  float64
	throttled float64
}

// fleetStride spreads n connectors (all four methods of n/4 stores) evenly
// over the fleet, so that every page of the merchant-wide listing holds some.
func fleetStride(fleetStores, n int) int { return max(1, fleetStores/(n/4)) }

// fleetConfig adopts n connectors of the fleet with import blocks, literal
// like the apply rows' blocks.
func fleetConfig(fleetStores, n int, url string) string {
	var b strings.Builder
	b.WriteString(jwoProvider + "\n")
	stride := fleetStride(fleetStores, n)
	for i := 1; i <= n/4; i++ {
		storeID := scaleStoreID(i * stride)
		for _, m := range []string{"IDENTITY", "FRAUD_AND_ABUSE", "ORDERING", "LOYALTY"} {
			name := fmt.Sprintf("c%05d_%s", i, strings.ToLower(m))
			fmt.Fprintf(&b, "import {\n  to = jwo_store_connector.%s\n  id = \"%s/%s\"\n}\n\n", name, storeID, m)
			fmt.Fprintf(&b, "resource \"jwo_store_connector\" %q {\n  store_id      = %q\n  method        = %q\n  endpoint_url  = %q\n  endpoint_type = \"PUBLIC\"\n}\n\n",
				name, storeID, m, url)
		}
	}
	return b.String()
}

// scaleRow imports n connectors of the fleet (untimed), then times no-op
// plans of them and counts their requests.
func (b *bench) scaleRow(ctx context.Context, n int) (scaleResult, error) {
	r := scaleResult{n: n, fleet: 4 * b.o.scaleStores}
	ws, err := newWorkspace(filepath.Join(b.dir, fmt.Sprintf("fleet-%d", n)), b.cliPath,
		fleetConfig(b.o.scaleStores, n, b.connectorURL), b.env(b.fx.scaleToken)...)
	if err != nil {
		return r, err
	}
	d, err := ws.apply(ctx, b.o.parallelism)
	if err != nil {
		return r, err
	}
	log.Printf("N=%d of the fleet imported in %s", n, d.Round(time.Millisecond))
	for range b.o.runs {
		delta, d, err := b.countedPlan(ctx, b.portal, ws)
		if err != nil {
			return r, err
		}
		r.plan = append(r.plan, d)
		r.requests = max(r.requests, delta.total())
		r.throttled += delta.throttled()
		log.Printf("N=%d of the fleet: plan %s, %.0f requests", n, d.Round(time.Millisecond), delta.total())
	}
	return r, nil
}

// limitedPlans times no-op plans of one workspace through a second portal
// on the same database that serves limitedRate requests a second per token.
// Its plans take turns with the unlimited plans of the same row (applyRows),
// so that both meet the same machine load.
type limitedPlans struct {
	p  *portalProcess
	ws *workspace
	r  limitedResult
}

func (b *bench) startLimited(ctx context.Context, n int, ws *workspace) (*limitedPlans, error) {
	p, err := startPortal(ctx, b.o.bin, b.fx.dbPath, filepath.Join(b.dir, "portal-limited.log"), "--rate-limit", fmt.Sprint(limitedRate))
	if err != nil {
		return nil, err
	}
	limited := &workspace{dir: ws.dir, env: append(slices.Clone(ws.env), "JWO_ENDPOINT="+p.url)}
	return &limitedPlans{p: p, ws: limited, r: limitedResult{n: n}}, nil
}

// plan times one no-op plan through the limited portal.
func (l *limitedPlans) plan(ctx context.Context, b *bench) error {
	delta, d, err := b.countedPlan(ctx, l.p, l.ws)
	if err != nil {
		return err
	}
	l.r.plan = append(l.r.plan, d)
	l.r.requests = max(l.r.requests, delta.total())
	l.r.throttled += delta.throttled()
	log.Printf("N=%d plan  through --rate-limit %d      %s, %.0f requests", l.r.n, limitedRate, d.Round(time.Millisecond), delta.total())
	return nil
}

func (l *limitedPlans) stop() {
	if err := l.p.stop(); err != nil {
		log.Print(err)
	}
}

// countedPlan times one no-op plan of ws and returns the requests p counted.
func (b *bench) countedPlan(ctx context.Context, p *portalProcess, ws *workspace) (counterDelta, time.Duration, error) {
	before, err := p.requests(ctx)
	if err != nil {
		return nil, 0, err
	}
	d, err := ws.noopPlan(ctx, b.o.parallelism)
	if err != nil {
		return nil, d, err
	}
	after, err := p.requests(ctx)
	if err != nil {
		return nil, d, err
	}
	return diffCounters(before, after), d, nil
}
