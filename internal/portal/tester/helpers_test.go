package tester

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
)

// fakeResolver answers from a table so that no test ever sends a DNS query.
type fakeResolver struct {
	hosts map[string][]netip.Addr
	errs  map[string]error
	calls atomic.Int64
}

func (f *fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	f.calls.Add(1)
	if err, ok := f.errs[host]; ok {
		return nil, err
	}
	if addrs, ok := f.hosts[host]; ok {
		return addrs, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func resolveTo(host string, addrs ...string) *fakeResolver {
	f := &fakeResolver{hosts: map[string][]netip.Addr{}}
	for _, a := range addrs {
		f.hosts[host] = append(f.hosts[host], netip.MustParseAddr(a))
	}
	return f
}

// dialLog records every address the tester really dials. It never dials a
// non-loopback address itself: it refuses and reports it, so even a broken
// egress policy cannot make a test send a packet off the machine.
type dialLog struct {
	mu       sync.Mutex
	dialed   []string
	offLimit []string
}

func (l *dialLog) addrs() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.dialed...)
}

// newTester makes a Tester whose resolver is fake (an empty table unless
// given) and whose dials are logged and confined to loopback.
func newTester(t *testing.T, opts Options) (*Tester, *dialLog) {
	t.Helper()
	if opts.Resolver == nil {
		opts.Resolver = &fakeResolver{}
	}
	tt := New(opts)
	dl := &dialLog{}
	real := tt.dialer.connect
	tt.dialer.connect = func(ctx context.Context, network, address string) (net.Conn, error) {
		ap, err := netip.ParseAddrPort(address)
		dl.mu.Lock()
		dl.dialed = append(dl.dialed, address)
		if err != nil || !ap.Addr().IsLoopback() {
			dl.offLimit = append(dl.offLimit, address)
			dl.mu.Unlock()
			return nil, &net.OpError{Op: "dial", Net: network, Err: io.ErrClosedPipe}
		}
		dl.mu.Unlock()
		return real(ctx, network, address)
	}
	t.Cleanup(func() {
		tt.CloseIdleConnections()
		dl.mu.Lock()
		defer dl.mu.Unlock()
		if len(dl.offLimit) > 0 {
			t.Errorf("the tester tried to dial non-loopback addresses %v", dl.offLimit)
		}
	})
	return tt, dl
}

// request is what a test server saw of one call.
type request struct {
	method, host, path string
	header             http.Header
	body               []byte
}

// recorder is an httptest handler that keeps the requests it served.
type recorder struct {
	mu       sync.Mutex
	requests []request
	reply    func(w http.ResponseWriter, r *http.Request)
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.requests = append(rec.requests, request{method: r.Method, host: r.Host, path: r.URL.Path, header: r.Header.Clone(), body: body})
	rec.mu.Unlock()
	rec.reply(w, r)
}

func (rec *recorder) seen() []request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]request(nil), rec.requests...)
}

// answering is a reply with a fixed status and body.
func answering(status int, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// serveTLS starts a loopback connector over TLS with httptest's own CA, quiet
// about the handshakes the tests make fail on purpose.
func serveTLS(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// serve starts a loopback connector; httptest listens on 127.0.0.1.
func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// countingListener accepts on loopback and counts connections, proving that
// a refused call never reached the socket.
type countingListener struct {
	ln       net.Listener
	accepted atomic.Int64
}

func listenCounting(t *testing.T, network, address string) *countingListener {
	t.Helper()
	ln, err := net.Listen(network, address)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", address, err)
	}
	cl := &countingListener{ln: ln}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			cl.accepted.Add(1)
			_ = c.Close()
		}
	}()
	t.Cleanup(func() { _ = ln.Close(); <-done })
	return cl
}

func (cl *countingListener) port() uint16 {
	return netip.MustParseAddrPort(cl.ln.Addr().String()).Port()
}

// closedPort is a loopback port nothing listens on: listen, then close.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}
