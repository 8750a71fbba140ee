package apitest

import (
	"net/url"
	"slices"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/console"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// TestLastChangedViaNamesTheFrontEnd: every change of a connector's
// endpoint records where it came from (the provider's User-Agent, a console
// session, anything else), a save that changes nothing keeps it, and the
// list filter finds what was clicked in.
func TestLastChangedViaNamesTheFrontEnd(t *testing.T) {
	e := newEnv(t, func(s *portaltest.Setup) { s.Console = &console.Options{} })
	ctx := t.Context()
	terraform := e.client(e.tp.OperatorToken, func(cfg *client.Config) { cfg.UserAgent = "terraform-provider-jwo/0.1.0 terraform/1.11.4" })

	if c := put(t, e.operator, storeFull, jwo.MethodIdentity, closedPort(t)); c.LastChangedVia != jwo.ChangedViaAPI {
		t.Errorf("a plain API write: last_changed_via %q, want API", c.LastChangedVia)
	}
	if c := put(t, terraform, storeFull, jwo.MethodLoyalty, closedPort(t)); c.LastChangedVia != jwo.ChangedViaTerraform {
		t.Errorf("a write of the provider: last_changed_via %q, want TERRAFORM", c.LastChangedVia)
	}
	managed := put(t, terraform, storeFull, jwo.MethodOrdering, closedPort(t))
	// Saved again unchanged through the plain API: no change, so the source stays.
	if c := put(t, e.operator, storeFull, jwo.MethodOrdering, managed.EndpointURL); c.LastChangedVia != jwo.ChangedViaTerraform || c.Version != 1 {
		t.Errorf("a save that changes nothing: %+v, want TERRAFORM at version 1", c)
	}

	// A pencil edit in the console of the connector Terraform manages.
	agent := e.tp.ConsoleAgent(t)
	agent.SignIn(e.tp.OperatorToken)
	agent.Post("/console/stores/"+storeFull+"/connectors/ordering",
		url.Values{"endpoint_url": {closedPort(t) + "/clicked"}, "endpoint_type": {"PUBLIC"}, "version": {"1"}})
	c, err := e.viewer.GetConnector(ctx, storeFull, jwo.MethodOrdering)
	if err != nil || c.LastChangedVia != jwo.ChangedViaConsole || c.Version != 2 {
		t.Fatalf("after the console's edit: %+v, %v; want CONSOLE at version 2", c, err)
	}

	for via, want := range map[jwo.ChangeSource][]string{
		jwo.ChangedViaConsole:   {storeFull + "/ORDERING"},
		jwo.ChangedViaTerraform: {storeFull + "/LOYALTY"},
		jwo.ChangedViaAPI:       {storeFull + "/IDENTITY"},
	} {
		cs, err := e.viewer.AllMerchantConnectors(ctx, client.ConnectorFilter{LastChangedVia: via})
		if err != nil {
			t.Fatal(err)
		}
		if got := connectorKeys(cs); !slices.Equal(got, want) {
			t.Errorf("last_changed_via=%s lists %v, want %v", via, got, want)
		}
	}
	if a, _ := e.raw("GET", "/v1/connectors?last_changed_via=SOMEWHERE", e.tp.ViewerToken, nil); a.StatusCode != 400 {
		t.Errorf("an unknown source: status %d, want 400", a.StatusCode)
	}
}
