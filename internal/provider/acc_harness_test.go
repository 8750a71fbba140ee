package provider

// The shared acceptance-test harness. Every acceptance test serves the real
// portal in-process on loopback, on its own SQLite file in t.TempDir(), so
// tests run in parallel without sharing state and nothing is mocked. Configs
// carry no required_providers block, so the provider is addressed as
// registry.terraform.io/hashicorp/jwo and no TF_ACC_PROVIDER_NAMESPACE is needed.

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/connector"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
)

// testAccProtoV6ProviderFactories serves the provider in-process: Terraform
// reattaches to it, so nothing is downloaded or installed.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"jwo": providerserver.NewProtocol6WithError(New("test")()),
}

// The seeded merchants and stores. Every test portal has exactly these, plus
// what a test adds itself.
const (
	accMerchant      = "acme"
	accOtherMerchant = "globex"

	// accStoreJWO needs all four methods: APP_QR (IDENTITY), loyalty program
	// (LOYALTY), order delegation (ORDERING), CUSTOMER_MANAGED (FRAUD_AND_ABUSE).
	accStoreJWO = "acme-sea-01"
	// accStoreDashCart is a Dash Cart store that needs only ORDERING.
	accStoreDashCart = "acme-cart-01"
	// accStoreNotRequired needs no connector (completion status NOT_REQUIRED).
	accStoreNotRequired = "acme-sea-02"
	// accStoreOther belongs to the other merchant; acme's tokens see a 404.
	accStoreOther = "globex-01"

	// accSKU is in the catalog of accStoreJWO and accStoreDashCart.
	accSKU = "WATER-500"
)

// testPortal is one running portal with its seed and tokens.
type testPortal struct {
	URL    string // base URL, http://127.0.0.1:PORT
	DBPath string

	Portal *portal.Portal

	// Tokens of the acme merchant, one per role, and of globex's admin.
	ViewerToken, OperatorToken, AdminToken, OtherAdminToken string

	// Ready clients with the tokens above, for PreConfig out-of-band changes,
	// checks and CheckDestroy.
	Viewer, Operator, Admin, OtherAdmin *client.Client
}

// testPortalSetup is what options may change before the portal starts.
type testPortalSetup struct {
	seed    seed.File
	options portal.Options
}

// testPortalOption changes the seed or the portal's options.
type testPortalOption func(*testPortalSetup)

// withGeneratedStores adds n stores to acme's seed (ids "acme-gen-0001"...),
// alternating a JWO store that needs IDENTITY with a NOT_REQUIRED one, so that
// lists span several pages when n is larger than the page size.
func withGeneratedStores(n int) testPortalOption {
	return func(s *testPortalSetup) {
		for i := range s.seed.Merchants {
			if s.seed.Merchants[i].ID == accMerchant {
				s.seed.Merchants[i].Stores = append(s.seed.Merchants[i].Stores, generatedStores(n)...)
			}
		}
	}
}

// withProductionMode starts the portal without Dev: connector URLs must be
// https off loopback, as in a real deployment. Use it only for tests that
// save connectors, never for ones that run connectivity tests.
func withProductionMode() testPortalOption {
	return func(s *testPortalSetup) { s.options.Dev = false }
}

// generatedStores builds n store seeds named acme-gen-0001 onwards.
func generatedStores(n int) []seed.Store {
	out := make([]seed.Store, 0, n)
	for i := 1; i <= n; i++ {
		p := jwo.StoreProfile{
			ID:                    fmt.Sprintf("acme-gen-%04d", i),
			Name:                  fmt.Sprintf("Acme generated %d", i),
			StoreType:             jwo.StoreTypeJWO,
			Region:                "us-west-2",
			EntryMethods:          []jwo.EntryMethod{jwo.EntryCreditCard},
			FraudAndAbuseStrategy: jwo.FraudAmazonManaged,
		}
		if i%2 == 1 {
			p.EntryMethods = append(p.EntryMethods, jwo.EntryBadge)
		}
		out = append(out, seed.Store{StoreProfile: p})
	}
	return out
}

// accSeed is the seed every test portal starts with.
func accSeed() seed.File {
	water := jwo.CatalogItem{SKU: accSKU, Barcode: "036000291452", BarcodeType: jwo.BarcodeUPC, Name: "Still water 500 ml"}
	return seed.File{Merchants: []seed.Merchant{
		{ID: accMerchant, Stores: []seed.Store{
			{
				StoreProfile: jwo.StoreProfile{
					ID:                    accStoreJWO,
					Name:                  "Acme Seattle 1",
					StoreType:             jwo.StoreTypeJWO,
					Region:                "us-east-1",
					EntryMethods:          []jwo.EntryMethod{jwo.EntryAppQR, jwo.EntryCreditCard},
					FraudAndAbuseStrategy: jwo.FraudCustomerManaged,
					OrderDelegation:       true,
					LoyaltyProgram:        true,
				},
				Catalog: []jwo.CatalogItem{water},
			},
			{
				StoreProfile: jwo.StoreProfile{
					ID:                    accStoreDashCart,
					Name:                  "Acme Dash Cart 1",
					StoreType:             jwo.StoreTypeDashCart,
					Region:                "us-east-1",
					EntryMethods:          []jwo.EntryMethod{},
					FraudAndAbuseStrategy: jwo.FraudNone,
					OrderDelegation:       true,
				},
				Catalog: []jwo.CatalogItem{water},
			},
			{
				StoreProfile: jwo.StoreProfile{
					ID:                    accStoreNotRequired,
					Name:                  "Acme Seattle 2",
					StoreType:             jwo.StoreTypeJWO,
					Region:                "us-east-1",
					EntryMethods:          []jwo.EntryMethod{jwo.EntryCreditCard, jwo.EntryPalm},
					FraudAndAbuseStrategy: jwo.FraudAmazonManaged,
				},
			},
		}},
		{ID: accOtherMerchant, Stores: []seed.Store{
			{
				StoreProfile: jwo.StoreProfile{
					ID:                    accStoreOther,
					Name:                  "Globex 1",
					StoreType:             jwo.StoreTypeJWO,
					Region:                "eu-west-1",
					EntryMethods:          []jwo.EntryMethod{jwo.EntryBadge},
					FraudAndAbuseStrategy: jwo.FraudAmazonRecommendation,
					OrderDelegation:       true,
					LoyaltyProgram:        true,
				},
				Catalog: []jwo.CatalogItem{water},
			},
		}},
	}}
}

// newTestPortal opens a dev-mode portal on a fresh database, seeds it, makes
// the tokens and serves it on 127.0.0.1. Cleanup closes everything.
func newTestPortal(t *testing.T, opts ...testPortalOption) *testPortal {
	t.Helper()
	ctx := context.Background()
	tp := &testPortal{DBPath: filepath.Join(t.TempDir(), "portal.db")}
	setup := testPortalSetup{
		seed: accSeed(),
		options: portal.Options{
			DBPath: tp.DBPath,
			// Dev admits http loopback connector URLs and lets the tester dial
			// the sample connector on 127.0.0.1; nothing else is ever dialled.
			Dev:         true,
			TestTimeout: 2 * time.Second,
		},
	}
	for _, o := range opts {
		o(&setup)
	}

	p, err := portal.Open(ctx, setup.options)
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

	if err := portal.ApplySeed(ctx, tp.DBPath, setup.seed); err != nil {
		t.Fatalf("seed portal: %v", err)
	}

	token := func(merchant string, role jwo.Role) string {
		t.Helper()
		tok, err := portal.CreateToken(ctx, tp.DBPath, merchant, role, "acc-"+merchant+"-"+string(role))
		if err != nil {
			t.Fatalf("create %s token of %s: %v", role, merchant, err)
		}
		return tok
	}
	tp.ViewerToken = token(accMerchant, jwo.RoleViewer)
	tp.OperatorToken = token(accMerchant, jwo.RoleOperator)
	tp.AdminToken = token(accMerchant, jwo.RoleAdmin)
	tp.OtherAdminToken = token(accOtherMerchant, jwo.RoleAdmin)

	srv := newLoopbackServer(t, p.Handler())
	tp.URL = srv.URL

	tp.Viewer = tp.newClient(t, tp.ViewerToken)
	tp.Operator = tp.newClient(t, tp.OperatorToken)
	tp.Admin = tp.newClient(t, tp.AdminToken)
	tp.OtherAdmin = tp.newClient(t, tp.OtherAdminToken)
	return tp
}

// newClient is a client of this portal with the given token.
func (tp *testPortal) newClient(t *testing.T, token string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{
		Endpoint:   tp.URL,
		Token:      token,
		UserAgent:  "terraform-provider-jwo-acctest",
		Timeout:    10 * time.Second,
		MaxRetries: 2,
	})
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	return c
}

// providerConfig is the provider block for this portal and a token; a test
// appends its resources to it.
func (tp *testPortal) providerConfig(token string) string {
	return fmt.Sprintf(`
provider "jwo" {
  endpoint        = %q
  token           = %q
  request_timeout = "10s"
  max_retries     = 2
}
`, tp.URL, token)
}

// addStores creates n more stores for acme through the admin API while the
// portal runs (ids "<prefix>-0001"...), each needing IDENTITY.
func (tp *testPortal) addStores(t *testing.T, prefix string, n int) []string {
	t.Helper()
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
			t.Fatalf("create store %s: %v", id, err)
		}
		ids = append(ids, id)
	}
	return ids
}

// newLoopbackServer serves h on 127.0.0.1 only (httptest's default listener
// may fall back to [::1], which is loopback too, but pinning it keeps every
// URL in the tests the same shape).
func newLoopbackServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen on loopback: %v", err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// testConnector is a sample retailer connector served on 127.0.0.1.
type testConnector struct {
	URL       string // base URL to save as endpoint_url
	Connector *connector.Connector
}

// newTestConnector serves a sample connector with valid answers; tests switch
// faults on it with Connector.SetFault. Cleanup releases hung calls first so
// that closing the server does not wait for them.
func newTestConnector(t *testing.T) *testConnector {
	t.Helper()
	c := connector.New(connector.Options{})
	srv := newLoopbackServer(t, c)
	t.Cleanup(c.Close) // runs before srv.Close: cleanups run last-in first-out
	return &testConnector{URL: srv.URL, Connector: c}
}

// closedLoopbackURL is an http URL on 127.0.0.1 where nothing listens, so a
// connectivity test against it fails with reason "connect".
func closedLoopbackURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen on loopback: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatalf("close listener: %v", err)
	}
	return "http://" + addr
}

// errorPattern matches fragments of a diagnostic in Terraform's output, in
// order. Terraform wraps long messages at any space, so every run of spaces in
// a fragment matches any whitespace; anything may come between fragments.
func errorPattern(fragments ...string) *regexp.Regexp {
	quoted := make([]string, len(fragments))
	for i, f := range fragments {
		words := strings.Fields(f)
		for j := range words {
			words[j] = regexp.QuoteMeta(words[j])
		}
		quoted[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(strings.Join(quoted, `[\s\S]*`))
}

// TestMain silences the "Unable to open CLI configuration file" warning that a
// missing CLI configuration puts into every terraform output, by pointing
// TF_CLI_CONFIG_FILE at an empty file when it names nothing that exists.
func TestMain(m *testing.M) {
	cleanup := func() {}
	if _, err := os.Stat(os.Getenv("TF_CLI_CONFIG_FILE")); err != nil {
		if f, err := os.CreateTemp("", "terraformrc-*"); err == nil {
			_ = f.Close()
			_ = os.Setenv("TF_CLI_CONFIG_FILE", f.Name())
			cleanup = func() { _ = os.Remove(f.Name()) }
		}
	}
	code := m.Run()
	cleanup()
	os.Exit(code)
}
