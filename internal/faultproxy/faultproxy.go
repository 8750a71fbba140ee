// Package faultproxy is a reverse proxy for tests that puts faults between a
// client and a server on loopback: refusals (503 and 429 with Retry-After),
// reset connections, delayed answers, and answers lost after the server acted
// on the request. Faults are drawn from a seeded generator so that a failing
// run can be repeated with the seed it logged.
package faultproxy

import (
	"bytes"
	cryptorand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync"
	"time"
)

// SeedEnv, when set to a number, replaces Config.Seed: the way to replay a run.
const SeedEnv = "FAULTPROXY_SEED"

// Kind is one kind of fault.
type Kind int

const (
	// Unavailable answers 503 with Retry-After; the server never sees the request.
	Unavailable Kind = iota
	// RateLimited answers 429 with Retry-After; the server never sees the request.
	RateLimited
	// Reset resets the connection (RST) before the request is forwarded.
	Reset
	// Delay forwards the request and holds its answer back for Config.Delay.
	Delay
	// DropAnswer forwards the request, lets the server answer in full, then
	// resets the connection without a byte of that answer: the client cannot
	// tell whether its request was applied.
	DropAnswer
)

// Kinds lists every kind, in order.
var Kinds = []Kind{Unavailable, RateLimited, Reset, Delay, DropAnswer}

func (k Kind) String() string {
	switch k {
	case Unavailable:
		return "unavailable-503"
	case RateLimited:
		return "rate-limited-429"
	case Reset:
		return "reset"
	case Delay:
		return "delay"
	case DropAnswer:
		return "drop-answer"
	}
	return "kind-" + strconv.Itoa(int(k))
}

// Force gives the first Count requests that Match the fault Kind, before
// the random draw: a test that must see a fault on a rare request (a create,
// say) gets it whatever the seed.
type Force struct {
	Match func(*http.Request) bool
	Kind  Kind
	Count int
}

// Config configures a Proxy. Target is required.
type Config struct {
	Target string  // base URL of the server; must be on loopback
	Seed   uint64  // 0 picks a random one; SeedEnv overrides it
	Rate   float64 // share of requests that get a random fault, 0 to 1
	Kinds  []Kind  // drawn with equal chance; nil means all of Kinds
	// RetryAfter is the wait that 503 and 429 ask for, in whole seconds
	// (rounded up); 0 sends "Retry-After: 0".
	RetryAfter time.Duration
	Delay      time.Duration // how long Delay holds an answer; 0 means 200ms
	// Exempt requests are forwarded untouched and not counted as faults.
	Exempt func(*http.Request) bool
	Force  []Force
}

// Fault is one injected fault and the request it hit.
type Fault struct {
	Kind   Kind
	Method string
	Path   string
	Header http.Header // the request's headers, Authorization removed
}

// Proxy listens on 127.0.0.1 and forwards to Config.Target.
type Proxy struct {
	URL string // base URL of the proxy, http://127.0.0.1:PORT

	cfg       Config
	target    *url.URL
	seed      uint64
	transport *http.Transport
	server    *http.Server
	done      chan struct{}

	mu       sync.Mutex
	rng      *rand.Rand
	forced   []int // how many each Force has given so far
	requests int
	faults   []Fault
}

// New starts a proxy; Close stops it.
func New(cfg Config) (*Proxy, error) {
	target, err := loopbackTarget(cfg.Target)
	if err != nil {
		return nil, err
	}
	if cfg.Rate < 0 || cfg.Rate > 1 || math.IsNaN(cfg.Rate) {
		return nil, fmt.Errorf("faultproxy: Rate %v is not between 0 and 1", cfg.Rate)
	}
	if len(cfg.Kinds) == 0 {
		cfg.Kinds = Kinds
	}
	if cfg.Delay == 0 {
		cfg.Delay = 200 * time.Millisecond
	}
	seed, err := chooseSeed(cfg.Seed)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen: %w", err)
	}
	p := &Proxy{
		URL:    "http://" + l.Addr().String(),
		cfg:    cfg,
		target: target,
		seed:   seed,
		// Its own pool, so that a fault never breaks a connection the
		// server shares with another client.
		transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 32,
			IdleConnTimeout:     30 * time.Second,
			DisableCompression:  true,
		},
		done:   make(chan struct{}),
		rng:    rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		forced: make([]int, len(cfg.Force)),
	}
	p.server = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(p.done)
		_ = p.server.Serve(l) // ends with ErrServerClosed on Close
	}()
	return p, nil
}

// Close stops the proxy and drops its connections.
func (p *Proxy) Close() error {
	err := p.server.Close()
	<-p.done
	p.transport.CloseIdleConnections()
	return err
}

// Seed is the seed in use: log it, and set SeedEnv to it to replay a run.
func (p *Proxy) Seed() uint64 { return p.seed }

// Requests is how many requests reached the proxy, exempt ones included.
func (p *Proxy) Requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests
}

// Faults lists the injected faults in the order they were chosen.
func (p *Proxy) Faults() []Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Fault(nil), p.faults...)
}

// Counts is the number of injected faults of each kind (every kind present).
func (p *Proxy) Counts() map[Kind]int {
	counts := make(map[Kind]int, len(Kinds))
	for _, k := range Kinds {
		counts[k] = 0
	}
	for _, f := range p.Faults() {
		counts[f.Kind]++
	}
	return counts
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	kind, faulty := p.choose(r)
	if !faulty {
		p.forward(w, r, false)
		return
	}
	switch kind {
	case Unavailable, RateLimited:
		p.refuse(w, kind)
	case Reset:
		reset(w)
	case Delay:
		p.forward(w, r, true)
	case DropAnswer:
		p.dropAnswer(w, r)
	default:
		http.Error(w, "faultproxy: unknown fault "+kind.String(), http.StatusInternalServerError)
	}
}

// choose counts the request and decides its fault, if any.
func (p *Proxy) choose(r *http.Request) (Kind, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
	if p.cfg.Exempt != nil && p.cfg.Exempt(r) {
		return 0, false
	}
	kind, faulty := p.forcedKind(r)
	if !faulty && p.rng.Float64() < p.cfg.Rate {
		kind, faulty = p.cfg.Kinds[p.rng.IntN(len(p.cfg.Kinds))], true
	}
	if faulty {
		h := r.Header.Clone()
		h.Del("Authorization")
		p.faults = append(p.faults, Fault{Kind: kind, Method: r.Method, Path: r.URL.Path, Header: h})
	}
	return kind, faulty
}

func (p *Proxy) forcedKind(r *http.Request) (Kind, bool) {
	for i, f := range p.cfg.Force {
		if p.forced[i] < f.Count && f.Match(r) {
			p.forced[i]++
			return f.Kind, true
		}
	}
	return 0, false
}

func (p *Proxy) refuse(w http.ResponseWriter, kind Kind) {
	status := http.StatusServiceUnavailable
	if kind == RateLimited {
		status = http.StatusTooManyRequests
	}
	secs := int64(math.Ceil(p.cfg.RetryAfter.Seconds()))
	w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, `{"title":%q,"status":%d,"detail":"injected by faultproxy"}`+"\n", http.StatusText(status), status)
}

// forward sends r to the target and copies the answer back, after the delay
// when delayed is set.
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request, delayed bool) {
	ans, err := p.roundTrip(r)
	if err != nil {
		http.Error(w, "faultproxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	if delayed {
		t := time.NewTimer(p.cfg.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	for k, vs := range ans.header {
		if !hopByHop[http.CanonicalHeaderKey(k)] {
			w.Header()[k] = vs
		}
	}
	w.WriteHeader(ans.status)
	_, _ = w.Write(ans.body)
}

// dropAnswer lets the server act on r and answer it in full, then throws the
// answer away with the connection.
func (p *Proxy) dropAnswer(w http.ResponseWriter, r *http.Request) {
	if _, err := p.roundTrip(r); err != nil {
		http.Error(w, "faultproxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	reset(w)
}

// answer is the server's answer, read in full.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// roundTrip forwards r and reads the whole answer, so that the server has
// finished with the request when it returns.
func (p *Proxy) roundTrip(r *http.Request) (answer, error) {
	reqBody, err := io.ReadAll(r.Body)
	if err != nil {
		return answer{}, fmt.Errorf("read request body: %w", err)
	}
	u := *p.target
	u.Path = singleJoin(p.target.Path, r.URL.Path)
	u.RawPath = ""
	if r.URL.RawPath != "" {
		u.RawPath = singleJoin(p.target.EscapedPath(), r.URL.RawPath)
	}
	u.RawQuery = r.URL.RawQuery
	out, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), bytes.NewReader(reqBody))
	if err != nil {
		return answer{}, err
	}
	for k, vs := range r.Header {
		if !hopByHop[http.CanonicalHeaderKey(k)] {
			out.Header[k] = vs
		}
	}
	resp, err := p.transport.RoundTrip(out)
	if err != nil {
		return answer{}, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, fmt.Errorf("read answer: %w", err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// reset closes the client's connection with a TCP RST, so that the client
// sees "connection reset by peer" and no answer.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // the server closes the connection instead
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// hopByHop headers belong to one connection and are not forwarded.
var hopByHop = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Authenticate": true, "Proxy-Authorization": true,
	"Proxy-Connection": true, "Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
}

func singleJoin(base, path string) string {
	switch {
	case base == "" || base == "/":
		return path
	case path == "":
		return base
	case base[len(base)-1] == '/' && path[0] == '/':
		return base + path[1:]
	case base[len(base)-1] != '/' && path[0] != '/':
		return base + "/" + path
	}
	return base + path
}

// loopbackTarget parses target and refuses anything but an http(s) URL on a
// loopback address: tests may send traffic nowhere else.
func loopbackTarget(target string) (*url.URL, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("faultproxy: Target %q: %w", target, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("faultproxy: Target %q is not an http(s) URL", target)
	}
	ip := net.ParseIP(u.Hostname())
	if ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("faultproxy: Target %q is not on a loopback address (127.0.0.0/8 or ::1)", target)
	}
	return u, nil
}

func chooseSeed(configured uint64) (uint64, error) {
	if v := os.Getenv(SeedEnv); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("faultproxy: %s=%q is not an unsigned number", SeedEnv, v)
		}
		return seed, nil
	}
	if configured != 0 {
		return configured, nil
	}
	var b [8]byte
	if _, err := cryptorand.Read(b[:]); err != nil {
		return 0, errors.Join(errors.New("faultproxy: no seed"), err)
	}
	// Never 0, which in Config means "pick one": a logged seed must replay.
	return binary.LittleEndian.Uint64(b[:]) | 1, nil
}
