package provider

// The acceptance tests' side of the one harness, internal/portal/portaltest.
// Every acceptance test serves the real portal in-process on loopback, on its
// own database, so tests run in parallel without sharing state and nothing
// is mocked. Configs
// carry no required_providers block, so the provider is addressed as
// registry.terraform.io/hashicorp/jwo and no TF_ACC_PROVIDER_NAMESPACE is needed.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store/pgtest"
)

// testAccProtoV6ProviderFactories serves the provider in-process: Terraform
// reattaches to it, so nothing is downloaded or installed.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"jwo": providerserver.NewProtocol6WithError(New("test")()),
}

// The seeded merchants and stores of portaltest's fixture. Every test portal
// has exactly these, plus what a test adds itself.
const (
	accMerchant      = portaltest.Merchant
	accOtherMerchant = portaltest.OtherMerchant

	// accStoreJWO needs all four methods.
	accStoreJWO = portaltest.StoreJWO
	// accStoreDashCart is a Dash Cart store that needs only ORDERING.
	accStoreDashCart = portaltest.StoreDashCart
	// accStoreNotRequired needs no connector (completion status NOT_REQUIRED).
	accStoreNotRequired = portaltest.StoreNotRequired
	// accStoreOther belongs to the other merchant; acme's tokens see a 404.
	accStoreOther = portaltest.StoreOther

	// accSKU is in the catalog of accStoreJWO and accStoreDashCart.
	accSKU = portaltest.SKU
)

// testPortal is one running portal of portaltest, with the provider's own
// helpers on it.
type testPortal struct{ *portaltest.Portal }

// testPortalOption changes the seed or the portal's options.
type testPortalOption = portaltest.Option

// withGeneratedStores adds n stores to acme's seed (ids "acme-gen-0001"...),
// alternating a JWO store that needs IDENTITY with a NOT_REQUIRED one, so that
// lists span several pages when n is larger than the page size.
func withGeneratedStores(n int) testPortalOption {
	return portaltest.WithStores(accMerchant, portaltest.GeneratedStores("acme-gen", n)...)
}

// withProductionMode starts the portal without Dev: connector URLs must be
// https off loopback, as in a real deployment. Use it only for tests that
// save connectors, never for ones that run connectivity tests.
func withProductionMode() testPortalOption { return portaltest.WithProductionMode() }

// newTestPortal starts a dev-mode portal of portaltest whose clients retry
// twice, as the provider blocks of the tests do.
func newTestPortal(t testing.TB, opts ...testPortalOption) *testPortal {
	t.Helper()
	opts = append([]testPortalOption{portaltest.WithClient(func(c *client.Config) {
		c.UserAgent = "terraform-provider-jwo-acctest"
	})}, opts...)
	return &testPortal{portaltest.Start(t, opts...)}
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
	return tp.AddStores(prefix, n)
}

// newLoopbackServer serves h on loopback until the test ends.
func newLoopbackServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	return portaltest.Serve(t, h)
}

// testConnector is a sample retailer connector served on loopback.
type testConnector = portaltest.Connector

// newTestConnector serves a sample connector with valid answers; tests switch
// faults on it with Connector.SetFault.
func newTestConnector(t *testing.T) *testConnector { return portaltest.StartConnector(t) }

// closedLoopbackURL is an http URL on loopback where nothing listens, so a
// connectivity test against it fails with reason "connect".
func closedLoopbackURL(t *testing.T) string { return portaltest.ClosedURL(t) }

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
	// The workload identity test runs a portal on PostgreSQL too.
	pgtest.StopShared()
	os.Exit(code)
}
