// Package portal is the reference service of Portal API v1: HTTP API, tokens
// and roles, SQLite persistence, audit log and connectivity test runner.
package portal

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net/http"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
)

// Options configures a Portal.
type Options struct {
	DBPath      string
	Dev         bool          // http and loopback connector URLs allowed; tester egress allows loopback
	RateLimit   int           // requests per second per token, burst 2x; 0 = off
	Logger      *slog.Logger  // nil = discard
	TestTimeout time.Duration // per-call timeout of connectivity tests; 0 = 10s
	TestWorkers int           // size of the test worker pool; 0 = 8
	TesterTLS   *tls.Config   // optional, for tests that serve connectors over TLS
	PageSize    int           // default page size of lists; 0 = 100 (max 1000)
}

// Portal is an open portal: its database, runner and HTTP handler.
type Portal struct{}

// Open opens (creating if needed) the database, applies migrations, finishes
// runs left RUNNING as interrupted, and starts the test runner.
func Open(ctx context.Context, opts Options) (*Portal, error) {
	panic("implemented by the portal owner")
}

// Handler is the whole HTTP API, /healthz and /v1/openapi.json included.
func (p *Portal) Handler() http.Handler { panic("implemented by the portal owner") }

// Close stops the runner (waiting for running calls up to ctx) and closes the database.
func (p *Portal) Close(ctx context.Context) error { panic("implemented by the portal owner") }

// NewServer wraps the handler in an http.Server with read, write and idle timeouts.
func NewServer(addr string, h http.Handler) *http.Server { panic("implemented by the portal owner") }

// CreateToken makes a new random token for one merchant and role, stores only
// its hash, and returns the token. Safe while a server runs on the same file.
func CreateToken(ctx context.Context, dbPath, merchant string, role jwo.Role, name string) (string, error) {
	panic("implemented by the portal owner")
}

// ApplySeed writes the seed's merchants, stores and catalog items; applying the
// same seed twice changes nothing the second time.
func ApplySeed(ctx context.Context, dbPath string, f seed.File) error {
	panic("implemented by the portal owner")
}
