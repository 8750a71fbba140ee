package portaltest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/api"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/console"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
)

// Portal is one running test portal with its seed, tokens and clients.
type Portal struct {
	URL    string // base URL, http://127.0.0.1:PORT
	DB     string // where its database is, as the engine gave it
	Engine Engine

	Portal *portal.Portal
	API    *api.API
	Server *httptest.Server

	// Tokens of Merchant, one per role, and of OtherMerchant's admin (empty
	// where the seed lacks that merchant).
	ViewerToken, OperatorToken, AdminToken, OtherAdminToken string

	// Ready clients with the tokens above, made with the setup's client
	// settings.
	Viewer, Operator, Admin, OtherAdmin *client.Client

	t         testing.TB
	clientCfg func(*client.Config)

	mu     sync.Mutex
	tokens map[string]string // by "merchant/role"
}

// Setup is what options may change before the portal starts.
type Setup struct {
	Engine  Engine
	Seed    seed.File
	Options portal.Options // DBPath is set from the engine
	API     api.Options
	Console *console.Options // nil: no console
	// Client changes the settings of every client Portal.Client makes,
	// the ready ones included.
	Client func(*client.Config)
}

// Option changes the setup of a test portal.
type Option func(*Setup)

// WithEngine opens the portal on another engine's database.
func WithEngine(e Engine) Option { return func(s *Setup) { s.Engine = e } }

// WithSeed replaces the seed.
func WithSeed(f seed.File) Option { return func(s *Setup) { s.Seed = f } }

// WithStores adds stores to a merchant's seed.
func WithStores(merchant string, stores ...seed.Store) Option {
	return func(s *Setup) {
		for i := range s.Seed.Merchants {
			if s.Seed.Merchants[i].ID == merchant {
				s.Seed.Merchants[i].Stores = append(s.Seed.Merchants[i].Stores, stores...)
				return
			}
		}
		s.Seed.Merchants = append(s.Seed.Merchants, seed.Merchant{ID: merchant, Stores: stores})
	}
}

// WithOptions changes the portal's options.
func WithOptions(f func(*portal.Options)) Option { return func(s *Setup) { f(&s.Options) } }

// WithAPIOptions changes the options of the JSON API.
func WithAPIOptions(f func(*api.Options)) Option { return func(s *Setup) { f(&s.API) } }

// WithProductionMode starts the portal without Dev: connector URLs must be
// https off loopback, as in a real deployment. Connectivity tests then have
// nothing they may dial, so use it only for tests that save connectors.
func WithProductionMode() Option { return func(s *Setup) { s.Options.Dev = false } }

// WithClient changes the settings of every client the portal makes.
func WithClient(f func(*client.Config)) Option {
	return func(s *Setup) {
		prev := s.Client
		s.Client = func(c *client.Config) {
			if prev != nil {
				prev(c)
			}
			f(c)
		}
	}
}

// Start opens a dev-mode portal on a fresh database of the engine (SQLite
// unless WithEngine says otherwise), seeds it, mints the tokens and serves
// it on loopback. Cleanup stops and closes everything.
func Start(t testing.TB, opts ...Option) *Portal {
	t.Helper()
	ctx := context.Background()
	s := Setup{
		Engine: SQLite,
		Seed:   Seed(),
		Options: portal.Options{
			// Dev admits http loopback connector URLs and lets the tester dial
			// the sample connector on loopback; nothing else is ever dialled.
			Dev:         true,
			TestTimeout: 2 * time.Second,
		},
	}
	for _, o := range opts {
		o(&s)
	}
	tp := &Portal{Engine: s.Engine, t: t, clientCfg: s.Client, tokens: map[string]string{}}
	tp.DB = s.Engine.NewDatabase(t)
	s.Options.DBPath = tp.DB

	ApplySeed(t, tp.DB, s.Seed)
	p, err := portal.Open(ctx, s.Options)
	if err != nil {
		t.Fatalf("open portal: %v", err)
	}
	tp.Portal = p
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := p.Close(cctx); err != nil {
			t.Errorf("close portal: %v", err)
		}
	})
	// Registered after the portal's cleanup, so it runs first: the server
	// stops taking requests before the portal closes.
	if s.API.Logger == nil {
		s.API.Logger = s.Options.Logger
	}
	if s.Console != nil {
		if s.Console.Logger == nil {
			s.Console.Logger = s.Options.Logger
		}
		s.API.Console = console.New(p.Service(), *s.Console)
	}
	if tp.API, err = api.New(p.Service(), s.API); err != nil {
		t.Fatalf("api: %v", err)
	}
	tp.Server = Serve(t, tp.API.Handler())
	tp.URL = tp.Server.URL

	// A seed of its own (WithSeed) may lack a merchant: its tokens are then
	// not minted, so that no token makes a merchant the seed does not have.
	if seeded(s.Seed, Merchant) {
		tp.ViewerToken = tp.Token(Merchant, jwo.RoleViewer)
		tp.OperatorToken = tp.Token(Merchant, jwo.RoleOperator)
		tp.AdminToken = tp.Token(Merchant, jwo.RoleAdmin)
		tp.Viewer = tp.Client(tp.ViewerToken)
		tp.Operator = tp.Client(tp.OperatorToken)
		tp.Admin = tp.Client(tp.AdminToken)
	}
	if seeded(s.Seed, OtherMerchant) {
		tp.OtherAdminToken = tp.Token(OtherMerchant, jwo.RoleAdmin)
		tp.OtherAdmin = tp.Client(tp.OtherAdminToken)
	}
	return tp
}

func seeded(f seed.File, merchant string) bool {
	for _, m := range f.Merchants {
		if m.ID == merchant {
			return true
		}
	}
	return false
}

// TokenName is the name a token of Start is minted with: the actor of the
// audit events its calls make.
func TokenName(merchant string, role jwo.Role) string { return merchant + "-" + string(role) }

// Token is a token of merchant with role, minted on first use and the same
// afterwards. Its name is TokenName(merchant, role).
func (tp *Portal) Token(merchant string, role jwo.Role) string {
	tp.t.Helper()
	key := merchant + "/" + string(role)
	tp.mu.Lock()
	defer tp.mu.Unlock()
	if tok, ok := tp.tokens[key]; ok {
		return tok
	}
	tok, _, err := IssueToken(context.Background(), tp.DB, portal.TokenSpec{Merchant: merchant, Role: role, Name: TokenName(merchant, role)})
	if err != nil {
		tp.t.Fatalf("create %s token of %s: %v", role, merchant, err)
	}
	tp.tokens[key] = tok
	return tok
}

// Tokens are every token minted so far.
func (tp *Portal) Tokens() []string {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	out := make([]string, 0, len(tp.tokens))
	for _, tok := range tp.tokens {
		out = append(out, tok)
	}
	return out
}

// Client is a client of this portal with the given token: a 10 s timeout,
// two retries, then the setup's client settings, then mods.
func (tp *Portal) Client(token string, mods ...func(*client.Config)) *client.Client {
	tp.t.Helper()
	cfg := client.Config{
		Endpoint:   tp.URL,
		Token:      token,
		UserAgent:  "jwo-portaltest",
		Timeout:    10 * time.Second,
		MaxRetries: 2,
	}
	if tp.clientCfg != nil {
		tp.clientCfg(&cfg)
	}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := client.New(cfg)
	if err != nil {
		tp.t.Fatalf("new client: %v", err)
	}
	return c
}

// AddStores creates n more stores of Merchant through the admin API while
// the portal runs (ids "<prefix>-0001"...), each needing IDENTITY.
func (tp *Portal) AddStores(prefix string, n int) []string {
	tp.t.Helper()
	ids := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("%s-%04d", prefix, i)
		_, err := tp.Admin.CreateStore(context.Background(), jwo.StoreProfile{
			ID:                    id,
			Name:                  "Added " + id,
			StoreType:             jwo.StoreTypeJWO,
			Region:                "us-west-2",
			EntryMethods:          []jwo.EntryMethod{jwo.EntryBadge},
			FraudAndAbuseStrategy: jwo.FraudAmazonManaged,
		})
		if err != nil {
			tp.t.Fatalf("create store %s: %v", id, err)
		}
		ids = append(ids, id)
	}
	return ids
}

// Handler is the portal's HTTP handler, for tests that serve it behind a
// proxy or a counter of their own.
func (tp *Portal) Handler() http.Handler { return tp.API.Handler() }

// AuditCount counts the events of action in the merchant's audit log, as
// its admin reads them: the portal's own count of what a test did.
func (tp *Portal) AuditCount(action jwo.AuditAction) int {
	tp.t.Helper()
	events, err := tp.Admin.AllAuditEvents(context.Background(), "")
	if err != nil {
		tp.t.Fatalf("read the audit log: %v", err)
	}
	n := 0
	for _, e := range events {
		if e.Action == action {
			n++
		}
	}
	return n
}
