// Package portal is the core of jwo-portal, the reference service of Portal
// API v1: Service, the one way into every rule of the portal (stores,
// connectors, runs, catalog, audit, tokens, sessions, seeds); the queue of
// connectivity runs and the workers that run them; and start-up, on either
// storage engine. Its front ends live beside it: internal/portal/api (the
// JSON API) and internal/portal/console (the web console).
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
	DBPath string // a SQLite file or a postgres:// URL
	Dev    bool   // http and loopback connector URLs allowed; tester egress allows loopback
	// TokenUseInterval is how often the last use of tokens is written; 0 = 1
	// minute. A request never writes it itself.
	TokenUseInterval time.Duration
	Logger           *slog.Logger  // nil = discard
	TestTimeout      time.Duration // per-call timeout of connectivity tests; 0 = 10s
	TestWorkers      int           // size of this replica's test worker pool; 0 = 16
	// MaxRunsPerMerchant bounds one merchant's connectivity test runs queued
	// or running, counted in the database over every replica; over it a
	// start is refused as KindBusy with a retry hint. 0 = 32.
	MaxRunsPerMerchant int
	TesterTLS          *tls.Config // optional, for tests that serve connectors over TLS
	// IssuerTimeout bounds one fetch of an OpenID Connect issuer's
	// discovery document or keys (token exchange); 0 = 5s.
	IssuerTimeout time.Duration
	// IssuerResolver, when set (tests only), replaces DNS lookups of
	// issuers' hosts.
	IssuerResolver tester.Resolver
	// EgressDeny are blocks the tester refuses in every mode (serve
	// --egress-deny), beside the built-in ones.
	EgressDeny []netip.Prefix
	// OwnAddrs are the portal's own listening addresses: the tester never
	// calls them, so a connector URL cannot make the portal call itself.
	OwnAddrs []netip.AddrPort

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

	// WaitStarted, when set (tests only), is called as a WaitTest starts
	// waiting for a run to finish.
	WaitStarted func()
}

// TestRunner makes one connectivity test call and classifies it; the
// production one is *tester.Tester.
type TestRunner interface {
	Run(ctx context.Context, c tester.Call) tester.Result
}

const (
	defaultTestTimeout = 10 * time.Second
	// Above Terraform's default parallelism of 10, so that a plan's tests
	// never queue behind each other in the portal.
	defaultTestWorkers = 16
)

// Portal is an open portal: its database, its Service, and the workers and
// background tasks of this replica.
type Portal struct {
	opts     Options
	log      *slog.Logger
	db       *store.DB
	svc      *Service
	runner   *runner
	tokenUse *tokenUse

	// draining is closed when shutdown begins: waits for runs end at once.
	draining  chan struct{}
	drainOnce sync.Once

	closeOnce sync.Once
	closeErr  error

	// replicaID names this process among the replicas of the database; its
	// runs carry it (replica.go).
	replicaID string
	// finishes wakes waits for runs when a run finishes on any replica.
	finishes *runWatch
	// background runs keepAlive and the listener of finished runs.
	background     sync.WaitGroup
	stopBackground context.CancelFunc
}

// Open opens (creating if needed) the database, applies migrations, finishes
// runs left RUNNING as interrupted, and starts the test runner.
func Open(ctx context.Context, opts Options) (*Portal, error) {
	if opts.TestTimeout <= 0 {
		opts.TestTimeout = defaultTestTimeout
	}
	if opts.TestWorkers <= 0 {
		opts.TestWorkers = defaultTestWorkers
	}
	if opts.MaxRunsPerMerchant <= 0 {
		opts.MaxRunsPerMerchant = defaultMaxRunsPerMerchant
	}
	if opts.ReplicaLease <= 0 {
		opts.ReplicaLease = defaultReplicaLease
	}
	if opts.TokenUseInterval <= 0 {
		opts.TokenUseInterval = defaultTokenUseInterval
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
		opts:      opts,
		log:       log,
		db:        db,
		tokenUse:  newTokenUse(),
		draining:  make(chan struct{}),
		replicaID: uuid.NewString(),
		finishes:  newRunWatch(),
	}
	now := store.Now
	if opts.Clock != nil {
		now = func() time.Time { return opts.Clock().UTC().Truncate(time.Millisecond) }
	}
	p.svc = &Service{
		db: db, now: now, log: log,
		policy:   jwo.EndpointPolicy{AllowLoopbackHTTP: opts.Dev},
		runs:     runLimits{maxPerMerchant: opts.MaxRunsPerMerchant, retryAfter: opts.TestTimeout},
		tokenUse: p.tokenUse, finishes: p.finishes, draining: p.draining, parked: opts.WaitStarted,
		counts: &runCounters{},
	}
	p.svc.issuers = newIssuers(issuerClient(opts), now, log, p.svc.policy)
	// A run still RUNNING whose replica is gone will never be finished by
	// it: finish it as interrupted now.
	if err := p.register(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("register the portal replica: %w", err)
	}
	bg, stopBG := context.WithCancel(context.Background())
	p.stopBackground = stopBG
	p.background.Go(func() { p.keepAlive(bg) })
	go p.tokenUse.run(db, log, opts.TokenUseInterval)
	p.runner = newRunner(p, opts.Tester)
	p.svc.queued = p.runner.queued
	p.background.Go(func() { db.ListenRuns(bg, store.RunListener{Finished: p.finishes.fire, Queued: p.runner.signal}) })
	return p, nil
}

const (
	interruptedAtStart = "the portal stopped before the run finished; start a new run"
	interruptedAtClose = "the portal was shut down while the run was in progress; start a new run"
	// interruptedLostClaim finishes a run claimed by a transaction whose
	// commit this replica could not confirm (runner.recoverLostClaims).
	interruptedLostClaim = "the portal lost its connection to the database while it took the run; start a new run"
)

// Service is the portal's one service, shared by every front end.
func (p *Portal) Service() *Service { return p.svc }

// Drain ends the waits for runs in progress at once, with the run as it
// stands, and makes later ones answer without waiting. Call it when a
// graceful shutdown begins (http.Server.RegisterOnShutdown), since Shutdown
// waits for every request in flight; Close drains too.
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

// Administer opens the database at dbPath (a SQLite file or a postgres://
// URL) for fn, with a Service that serves no requests and runs no runs:
// the jwo-portal command's seed and token sub-commands. It is safe while
// portals serve the same database.
func Administer(ctx context.Context, dbPath string, fn func(*Service) error) error {
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	closed := make(chan struct{})
	close(closed)
	svc := &Service{db: db, now: store.Now, log: slog.New(slog.DiscardHandler), finishes: newRunWatch(),
		draining: closed, counts: &runCounters{}}
	return errors.Join(fn(svc), db.Close())
}

// issuerClient is the client of the token exchange's calls to OpenID
// Connect issuers: the tester's egress policy, with the portal's own
// addresses and the operator's denied blocks, a timeout and a body cap.
func issuerClient(opts Options) *http.Client {
	timeout := opts.IssuerTimeout
	if timeout <= 0 {
		timeout = issuerTimeout
	}
	c := tester.NewClient(tester.Options{Dev: opts.Dev, Timeout: timeout, TLSConfig: opts.TesterTLS,
		Resolver: opts.IssuerResolver, Deny: opts.EgressDeny, Self: opts.OwnAddrs})
	c.Transport = cappedTransport{next: c.Transport, max: issuerMaxBody}
	return c
}

// Administered is Administer for a call that answers a value.
func Administered[T any](ctx context.Context, dbPath string, fn func(*Service) (T, error)) (T, error) {
	var v T
	err := Administer(ctx, dbPath, func(svc *Service) error {
		var err error
		v, err = fn(svc)
		return err
	})
	return v, err
}
