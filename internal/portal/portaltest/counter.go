package portaltest

import (
	"maps"
	"net/http"
	"sync"
	"testing"
)

// Counter counts the requests that reach a portal through CountingEndpoint,
// by "METHOD /path".
type Counter struct {
	mu    sync.Mutex
	calls map[string]int
}

// Snapshot copies the counts so far.
func (c *Counter) Snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.calls)
}

// CountingEndpoint serves the portal behind a second loopback listener that
// counts every request, and returns that endpoint's URL. For refuse
// ("METHOD /path") it answers 404, as a portal older than that route would;
// "" refuses nothing.
func (tp *Portal) CountingEndpoint(t testing.TB, refuse string) (string, *Counter) {
	t.Helper()
	c := &Counter{calls: map[string]int{}}
	h := tp.Handler()
	srv := Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k := r.Method + " " + r.URL.Path
		c.mu.Lock()
		c.calls[k]++
		c.mu.Unlock()
		if k == refuse {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	}))
	return srv.URL, c
}
