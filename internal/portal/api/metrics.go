package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// metrics counts requests per route pattern and status. Route patterns, not
// paths, label the counters, so their number stays fixed however many
// stores there are.
type metrics struct {
	mu       sync.Mutex
	requests map[routeCode]uint64
}

type routeCode struct {
	route string
	code  int
}

func newMetrics() *metrics { return &metrics{requests: map[routeCode]uint64{}} }

func (m *metrics) countRequest(route string, code int) {
	m.mu.Lock()
	m.requests[routeCode{route, code}]++
	m.mu.Unlock()
}

// MetricsHandler serves the Prometheus counters at /metrics. It is not part
// of Handler: the counters describe every merchant's traffic together, so
// they are served on an address of their own (serve --metrics-addr) that
// only the operator's monitoring reaches, never on the API's.
func (a *API) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.serve("GET /metrics", openRoute, a.metricsText))
	return withRequestInfo(withNoStore(mux))
}

// metricsText writes the Prometheus text exposition format.
func (a *API) metricsText(w http.ResponseWriter, r *http.Request) error {
	m := a.metrics
	runs := a.svc.RunCounts()
	m.mu.Lock()
	keys := make([]routeCode, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	counts := make(map[routeCode]uint64, len(keys))
	for _, k := range keys {
		counts[k] = m.requests[k]
	}
	m.mu.Unlock()
	slices.SortFunc(keys, func(a, b routeCode) int {
		if c := strings.Compare(a.route, b.route); c != 0 {
			return c
		}
		return a.code - b.code
	})

	var b strings.Builder
	b.WriteString("# HELP jwo_portal_requests_total HTTP requests answered, by route pattern and status code.\n")
	b.WriteString("# TYPE jwo_portal_requests_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "jwo_portal_requests_total{route=\"%s\",code=\"%d\"} %d\n", escapeLabel(k.route), k.code, counts[k])
	}
	b.WriteString("# HELP jwo_portal_tests_started_total Connectivity test runs started.\n")
	b.WriteString("# TYPE jwo_portal_tests_started_total counter\n")
	fmt.Fprintf(&b, "jwo_portal_tests_started_total %d\n", runs.Started)
	b.WriteString("# HELP jwo_portal_tests_finished_total Connectivity test runs finished, interrupted ones included.\n")
	b.WriteString("# TYPE jwo_portal_tests_finished_total counter\n")
	fmt.Fprintf(&b, "jwo_portal_tests_finished_total %d\n", runs.Finished)
	b.WriteString("# HELP jwo_portal_tests_running Connectivity test runs in progress in this process.\n")
	b.WriteString("# TYPE jwo_portal_tests_running gauge\n")
	fmt.Fprintf(&b, "jwo_portal_tests_running %d\n", runs.Running)

	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(b.String())) // a failed write means the client went away
	return nil
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func escapeLabel(s string) string { return labelEscaper.Replace(s) }
