// Package portal is the reference service of Portal API v1: HTTP API, tokens
// and roles, SQLite persistence, audit log and connectivity test runner.
package portal

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/tester"
)

// Options configures a Portal.
type Options struct {
	DBPath    string
	Dev       bool // http and loopback connector URLs allowed; tester egress allows loopback
	RateLimit int  // requests per second per token, burst 2x; 0 = off
	// AddressRateLimit bounds requests without a valid token (open routes,
	// failed authentication) per client address, burst 10x; 0 = 10 per
	// second; negative = off.
	AddressRateLimit int
	// TokenUseInterval is how often the last use of tokens is written; 0 = 1
	// minute. A request never writes it itself.
	TokenUseInterval time.Duration
	Logger           *slog.Logger  // nil = discard
	TestTimeout      time.Duration // per-call timeout of connectivity tests; 0 = 10s
	TestWorkers      int           // size of this replica's test worker pool; 0 = 16
	// MaxRunsPerMerchant bounds one merchant's connectivity test runs queued
	// or running, counted in the database over every replica; over it a
	// start is 429 with Retry-After. 0 = 32.
	MaxRunsPerMerchant int
	TesterTLS          *tls.Config // optional, for tests that serve connectors over TLS
	// EgressDeny are blocks the tester refuses in every mode (serve
	// --egress-deny), beside the built-in ones.
	EgressDeny []netip.Prefix
	// OwnAddrs are the portal's own listening addresses: the tester never
	// calls them, so a connector URL cannot make the portal call itself.
	OwnAddrs []netip.AddrPort
	PageSize int // default page size of lists; 0 = 100 (max 1000)

	// Console, when set, makes the web console served under /console/ on
	// the portal's service layer (console.Handler); nil serves no console.
	Console func(*Service) http.Handler

	// ReplicaLease is how long this replica's claims on runs hold after its
	// last renewal (every third of it); 0 = 15s. A replica that dies
	// leaves no run RUNNING for longer than this. Idle workers also look
	// for queued runs every third of it, should a wake-up have been lost.
	ReplicaLease time.Duration

	// Clock is the portal's time, for tests that need to know what a write
	// records or when a token expires; nil = store.Now. Its times are cut
	// to the store's precision.
	Clock func() time.Time

	// Tester makes the connectivity test calls; nil = tester.New with Dev,
	// TestTimeout and TesterTLS. Tests of code above the portal may put a
	// fake here.
	Tester TestRunner
}

// TestRunner makes one connectivity test call and classifies it; the
// production one is *tester.Tester.
type TestRunner interface {
	Run(ctx context.Context, c tester.Call) tester.Result
}

const (
	defaultPageSize    = 100
	maxPageSize        = 1000
	defaultTestTimeout = 10 * time.Second
	// Above Terraform's default parallelism of 10, so that a plan's tests
	// never queue behind each other in the portal.
	defaultTestWorkers = 16
)

// Portal is an open portal: its database, runner and HTTP handler.
type Portal struct {
	opts    Options
	log     *slog.Logger
	db      *store.DB
	runner  *runner
	limiter *rateLimiter
	// addrLimiter counts requests without a valid token per client address.
	addrLimiter *rateLimiter
	tokenUse    *tokenUse
	metrics     *metrics
	handler     http.Handler
	now         func() time.Time

	// draining is closed when shutdown begins: long polls answer at once.
	draining  chan struct{}
	drainOnce sync.Once
	// parked, when set (tests only), is called as a long poll starts waiting.
	parked func()

	closeOnce sync.Once
	closeErr  error

	// replicaID names this process among the replicas of the database; its
	// runs carry it (replica.go).
	replicaID string
	// finishes wakes long polls when a run finishes on any replica.
	finishes *runWatch
	// background runs keepAlive and the listener of finished runs.
	background     sync.WaitGroup
	stopBackground context.CancelFunc
}

// Open opens (creating if needed) the database, applies migrations, finishes
// runs left RUNNING as interrupted, and starts the test runner.
func Open(ctx context.Context, opts Options) (*Portal, error) {
	if opts.PageSize <= 0 {
		opts.PageSize = defaultPageSize
	}
	opts.PageSize = min(opts.PageSize, maxPageSize)
	if opts.TestTimeout <= 0 {
		opts.TestTimeout = defaultTestTimeout
	}
	if opts.TestWorkers <= 0 {
		opts.TestWorkers = defaultTestWorkers
	}
	if opts.MaxRunsPerMerchant <= 0 {
		opts.MaxRunsPerMerchant = defaultMaxRunsPerMerchant
	}
	if opts.RateLimit < 0 {
		return nil, fmt.Errorf("rate limit %d is negative: use 0 to turn it off", opts.RateLimit)
	}
	if opts.ReplicaLease <= 0 {
		opts.ReplicaLease = defaultReplicaLease
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	db, err := store.Open(ctx, opts.DBPath)
	if err != nil {
		return nil, err
	}
	p := &Portal{
		opts:    opts,
		log:     log,
		db:      db,
		limiter: newRateLimiter(opts.RateLimit),

		addrLimiter: newAddressLimiter(opts.AddressRateLimit),
		tokenUse:    newTokenUse(),
		metrics:     newMetrics(),
		now:         store.Now,

		draining:  make(chan struct{}),
		replicaID: uuid.NewString(),
		finishes:  newRunWatch(),
	}
	if opts.Clock != nil {
		p.now = func() time.Time { return opts.Clock().UTC().Truncate(time.Millisecond) }
	}
	// A run still RUNNING whose replica is gone will never be finished by
	// it: finish it as interrupted now.
	if err := p.register(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("register the portal replica: %w", err)
	}
	bg, stopBG := context.WithCancel(context.Background())
	p.stopBackground = stopBG
	p.background.Go(func() { p.keepAlive(bg) })
	if p.opts.TokenUseInterval <= 0 {
		p.opts.TokenUseInterval = defaultTokenUseInterval
	}
	go p.tokenUse.run(p, p.opts.TokenUseInterval)
	p.runner = newRunner(p, opts.Tester)
	p.background.Go(func() { db.ListenRuns(bg, store.RunListener{Finished: p.finishes.fire, Queued: p.runner.signal}) })
	p.handler = p.routes()
	return p, nil
}

const (
	interruptedAtStart = "the portal stopped before the run finished; start a new run"
	interruptedAtClose = "the portal was shut down while the run was in progress; start a new run"
	// interruptedLostClaim finishes a run claimed by a transaction whose
	// commit this replica could not confirm (runner.recoverLostClaims).
	interruptedLostClaim = "the portal lost its connection to the database while it took the run; start a new run"
)

// Handler is the whole HTTP API, /healthz and /v1/openapi.json included.
func (p *Portal) Handler() http.Handler { return p.handler }

// Drain answers the long polls of GET /v1/tests/{id} in progress at once,
// with the run as it stands, and makes later ones answer without waiting.
// Call it when a graceful shutdown begins (http.Server.RegisterOnShutdown),
// since Shutdown waits for every request in flight; Close drains too.
func (p *Portal) Drain() {
	p.drainOnce.Do(func() { close(p.draining) })
}

// Close stops the runner (waiting for running calls up to ctx) and closes the database.
func (p *Portal) Close(ctx context.Context) error {
	p.Drain()
	p.closeOnce.Do(func() {
		runErr := p.runner.stop(ctx)
		p.stopBackground()
		p.background.Wait()
		p.tokenUse.close()
		p.closeErr = errors.Join(runErr, p.retire(), p.db.Close())
	})
	return p.closeErr
}

// Timeouts bound how long one client may hold a connection.
type Timeouts struct {
	ReadHeader time.Duration // request line and headers
	Read       time.Duration // the whole request, body included
	Write      time.Duration // from the end of the headers to the end of the answer
	Idle       time.Duration // between requests on a kept-alive connection
}

// DefaultTimeouts are the production values. A client that trickles its
// headers or body is cut off; bodies are at most 64 KiB, so these leave room
// for slow links only.
var DefaultTimeouts = Timeouts{ReadHeader: 5 * time.Second, Read: 15 * time.Second, Write: 30 * time.Second, Idle: 120 * time.Second}

// NewServer wraps the handler in an http.Server with DefaultTimeouts.
func NewServer(addr string, h http.Handler) *http.Server {
	return NewServerWithTimeouts(addr, h, DefaultTimeouts)
}

// NewServerWithTimeouts is NewServer with other timeouts, for tests that
// watch a slow client being cut off without waiting seconds for it.
func NewServerWithTimeouts(addr string, h http.Handler, t Timeouts) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		MaxHeaderBytes:    64 << 10,
	}
}

// policy is what the deployment allows for endpoint URLs.
func (p *Portal) policy() jwo.EndpointPolicy {
	return jwo.EndpointPolicy{AllowLoopbackHTTP: p.opts.Dev}
}
