package portaltest

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/connector"
)

// Listen listens on 127.0.0.1, or on ::1 where IPv4 loopback is missing:
// no test listens on anything else.
func Listen(t testing.TB) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		if l, err = net.Listen("tcp6", "[::1]:0"); err != nil {
			t.Fatalf("listen on loopback: %v", err)
		}
	}
	return l
}

// Serve serves h on loopback until the test ends. httptest's own listener
// is not used: pinning it keeps every URL of the tests the same shape.
func Serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	_ = srv.Listener.Close()
	srv.Listener = Listen(t)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// ClosedURL is an http URL on loopback where nothing listens, so that a
// call to it, or a connectivity test against it, fails to connect; the port
// stays reserved until the test ends where the system allows it.
func ClosedURL(t testing.TB) string {
	t.Helper()
	if addr, ok := reserveClosedPort(t); ok {
		return "http://" + addr
	}
	l := Listen(t)
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatalf("close listener: %v", err)
	}
	return "http://" + addr
}

// Connector is a sample retailer connector served on loopback.
type Connector struct {
	URL       string // base URL, to save as a connector's endpoint URL
	Connector *connector.Connector
}

// StartConnector serves a sample connector that answers every call validly
// (unless opts say otherwise); tests switch faults on it with
// Connector.SetFault. Cleanup releases hung calls first, so that closing the
// server does not wait for them.
func StartConnector(t testing.TB, opts ...connector.Options) *Connector {
	t.Helper()
	var o connector.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	c := connector.New(o)
	srv := Serve(t, c)
	t.Cleanup(c.Close) // runs before srv.Close: cleanups run last-in first-out
	return &Connector{URL: srv.URL, Connector: c}
}

// SyncBuffer is an io.Writer that a running server's goroutines and the test
// can share, e.g. as a log sink.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// SilentConnector is the base URL of a loopback listener that accepts
// connections and never answers, until the test ends: every connectivity
// call to it lasts the tester's whole timeout.
func SilentConnector(t testing.TB) string {
	t.Helper()
	ln := Listen(t)
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}
