package provider

import (
	"context"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// BenchmarkListStoreConnectors10000 lists 10,000 connectors through the
// provider server, as `terraform query` with include_resource would, against
// the real portal in-process (PERFORMANCE.md has the figures). Besides the
// time it reports the peak heap of the whole process (provider and portal)
// above the heap before the listing, sampled every millisecond: the list is
// streamed, so it stays at about one page whatever the number of
// connectors.
//
//	go test ./internal/provider -run '^$' -bench ListStoreConnectors10000 -benchtime 3x
func BenchmarkListStoreConnectors10000(b *testing.B) {
	p, ids := newBenchProvider10000(b)
	block := p.schema.ListResourceSchemas["jwo_store_connector"].Block
	lister := p.srv.(tfprotov6.ListResourceServer)

	var peak atomic.Uint64
	var ms runtime.MemStats
	cpuBefore := processCPU(b)
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc
		done := make(chan struct{})
		go func() {
			var s runtime.MemStats
			t := time.NewTicker(time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					runtime.ReadMemStats(&s)
					if s.HeapAlloc > base && s.HeapAlloc-base > peak.Load() {
						peak.Store(s.HeapAlloc - base)
					}
				}
			}
		}()
		stream, err := lister.ListResource(context.Background(), &tfprotov6.ListResourceRequest{
			TypeName: "jwo_store_connector", Config: p.dynamic(block, nil), IncludeResource: true,
		})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for r := range stream.Results {
			if r.Resource == nil || len(r.Diagnostics) > 0 {
				b.Fatalf("result %d: %+v", n, r)
			}
			n++
		}
		close(done)
		if n != len(ids) {
			b.Fatalf("listed %d connectors, want %d", n, len(ids))
		}
	}
	// CPU beside wall time: on a shared machine the wall clock also counts
	// waiting for a core.
	b.ReportMetric(float64((processCPU(b)-cpuBefore).Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(ids)), "µs/connector")
}

// processCPU is the user and system CPU time of this process so far
// (provider and in-process portal together).
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// newBenchProvider10000 is a provider server configured for a portal
// in-process whose merchant has 2,500 stores with all four connectors saved
// (ids are theirs).
func newBenchProvider10000(b *testing.B) (p *protoProvider, ids []string) {
	const stores = 2500 // four connectors each
	tp := newTestPortal(b, withStoresNeedingEveryMethod("acme-bench", stores))
	ids = tp.seedConnectors(b, "acme-bench", stores)
	return newProtoProvider(b, tp, tp.ViewerToken), ids
}
