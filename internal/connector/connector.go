// Package connector is a sample retailer connector: the four calls Amazon
// makes to a retailer during a Just Walk Out shopping trip, answered with
// valid responses, plus faults that can be switched on at run time so that
// tests and demos can show every outcome of a connectivity test. It is a test
// double, never needed in production.
package connector

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// maxBody caps a request body; the documented requests are a few KiB at most.
const maxBody = 1 << 20

// defaultTripMemory bounds how many shopping trips Ordering remembers for
// idempotency, so that a long-running demo cannot grow without limit.
const defaultTripMemory = 10000

// Options configures a Connector.
type Options struct {
	// Latency delays every answer, faults included; a caller that gives up
	// first gets nothing.
	Latency time.Duration
	// Fail makes a method answer the given HTTP status (100-599) instead of
	// its valid response.
	Fail map[jwo.Method]int
	// Logger receives one line per call; nil = discard.
	Logger *slog.Logger
	// Violate lists conformance case ids (jwo.CaseIDs) the connector breaks,
	// each in the way that fails exactly that case, so that every case of
	// the suite can be shown failing.
	Violate []string
}

// Connector serves the four connector calls; it is an http.Handler and is
// safe for concurrent use, including its setters.
type Connector struct {
	mux    *http.ServeMux
	logger *slog.Logger
	trips  *tripMemory
	// violate is fixed by New, so it is read without the lock.
	violate map[string]bool

	mu      sync.Mutex
	faults  map[jwo.Method]Fault
	latency time.Duration

	calls map[jwo.Method]*atomic.Int64

	closeOnce sync.Once
	closed    chan struct{}
}

// New makes a Connector. It panics on an Options.Fail entry with an unknown
// method or a status out of range: those are programming errors, and the
// jwo-portal command validates user input before it gets here.
func New(opts Options) *Connector {
	c := &Connector{
		mux:     http.NewServeMux(),
		logger:  opts.Logger,
		trips:   newTripMemory(defaultTripMemory),
		faults:  map[jwo.Method]Fault{},
		latency: opts.Latency,
		calls:   map[jwo.Method]*atomic.Int64{},
		closed:  make(chan struct{}),
		violate: map[string]bool{},
	}
	for _, id := range opts.Violate {
		if _, err := jwo.FindCase(id); err != nil {
			panic("connector: " + err.Error())
		}
		c.violate[id] = true
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	for m, code := range opts.Fail {
		c.SetFault(m, Status(code))
	}
	for _, m := range jwo.Methods {
		c.calls[m] = new(atomic.Int64)
		c.mux.Handle(m.CallPath(), c.method(m, answers[m]))
	}
	// The documented operations beyond each method's own call, counted as
	// calls of the method whose connector serves them.
	c.mux.Handle(jwo.ScanDetailsPath, c.method(jwo.MethodLoyalty, answerScanDetails))
	c.mux.Handle(jwo.GetShopperPath, c.method(jwo.MethodIdentity, answerGetShopper))
	c.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, message{Message: "no connector call at " + r.URL.Path})
	})
	return c
}

func (c *Connector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mux.ServeHTTP(w, r)
}

// SetFault switches how method m answers from now on; None restores valid
// answers. It panics on an unknown method or a Status out of 100-599.
func (c *Connector) SetFault(m jwo.Method, f Fault) {
	if !m.Valid() {
		panic("connector: unknown method " + string(m))
	}
	if err := f.validate(); err != nil {
		panic(err.Error())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if f == None {
		delete(c.faults, m)
		return
	}
	c.faults[m] = f
}

// SetLatency changes the delay of every answer from now on.
func (c *Connector) SetLatency(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.latency = d
}

// Calls is how many requests have reached method m's path, whatever the
// answer; tests use it to prove that a call was (or was not) made.
func (c *Connector) Calls(m jwo.Method) int64 {
	if n, ok := c.calls[m]; ok {
		return n.Load()
	}
	return 0
}

// Close releases every request held by the Hang fault (their connections are
// dropped), so that a server shutting down does not wait for callers to give
// up. Later Hang requests are dropped at once.
func (c *Connector) Close() {
	c.closeOnce.Do(func() { close(c.closed) })
}

func (c *Connector) snapshot(m jwo.Method) (Fault, time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.faults[m], c.latency
}

// method serves one call path of method m: count, wait, misbehave if told
// to, else answer.
func (c *Connector) method(m jwo.Method, answer answer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.calls[m].Add(1)
		start := time.Now()
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeJSON(w, http.StatusMethodNotAllowed, message{Message: "use POST"})
			return
		}
		// Read the whole body first: only then does net/http watch the
		// connection and cancel r.Context() when the caller goes away, which
		// Latency and Hang rely on.
		body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		fault, latency := c.snapshot(m)
		if !wait(r, latency) {
			c.logger.Info("connector call abandoned by the caller", "method", m, "after", time.Since(start))
			return
		}
		if fault.serve(w, r, c.closed) {
			c.logger.Info("connector call", "method", m, "fault", fault.String(), "duration", time.Since(start))
			return
		}
		var status int
		var out any
		if readErr != nil {
			status, out = readError(readErr)
		} else {
			status, out = answer(c, body)
		}
		writeJSON(w, status, out)
		c.logger.Info("connector call", "method", m, "status", status, "duration", time.Since(start))
	})
}

// wait sleeps for d unless the caller gives up first; false means it did.
func wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// message is the error body, in the shape API Gateway uses.
type message struct {
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if !bodyAllowed(status) {
		return
	}
	_ = json.NewEncoder(w).Encode(v)
}

// bodyAllowed: informational, 204 and 304 answers carry no body.
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

// decode reads one JSON value into v, ignoring unknown fields as the
// documentation asks receivers to.
func decode(body []byte, v any) error {
	return decodeJSON(body, v, false)
}

// hasUnknownFields is true when a body that decodes into v also names
// fields v does not have.
func hasUnknownFields(body []byte, v any) bool {
	return decodeJSON(body, v, true) != nil
}

func decodeJSON(body []byte, v any, strict bool) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errTrailing
	}
	return nil
}
