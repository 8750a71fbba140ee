package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/console"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// expectPriorEndpoint checks that the plan's refreshed prior state of addr
// holds the endpoint URL someone saved outside Terraform (and, when via is
// set, the front end they saved it through): the plan shows that value going
// back to the configuration's.
type expectPriorEndpoint struct{ addr, url, via string }

func (e expectPriorEndpoint) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != e.addr {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		if got := before["endpoint_url"]; got != e.url {
			resp.Error = fmt.Errorf("%s: refreshed endpoint_url %v, want the console's %s", e.addr, got, e.url)
		}
		if got := before["last_changed_via"]; e.via != "" && got != e.via {
			resp.Error = fmt.Errorf("%s: refreshed last_changed_via %v, want %s", e.addr, got, e.via)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", e.addr)
}

// The story the provider exists for: someone edits an endpoint by hand in
// the console; the next terraform plan shows it as drift, and apply sets it
// back.
func TestAccStoreConnector_consoleEditIsDriftInThePlan(t *testing.T) {
	tp := newTestPortal(t, portaltest.WithConsole(console.Options{}))
	const addr = "jwo_store_connector.ordering"
	config := tp.providerConfig(tp.OperatorToken) + connectorHCL("ordering", accStoreJWO, "ORDERING", urlPublicA, "PUBLIC")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: []resource.TestStep{
			{Config: config, Check: tp.portalHolds(accStoreJWO, jwo.MethodOrdering, urlPublicA, 1)},
			{
				PreConfig: func() {
					a := tp.ConsoleAgent(t)
					a.SignIn(tp.OperatorToken)
					form := a.Get("/console/stores/" + accStoreJWO + "?edit=ordering")
					if !form.Has("Managed by Terraform") || !form.Has("drift in the next") {
						t.Fatalf("the console does not say Terraform manages the connector:\n%s", form.Body)
					}
					p := a.Post("/console/stores/"+accStoreJWO+"/connectors/ordering",
						url.Values{"endpoint_url": {urlOutOfBand}, "endpoint_type": {"PUBLIC"}, "version": {"1"}})
					if p.Status != http.StatusOK || !p.Has("Ordering connector saved") {
						t.Fatalf("console save: status %d\n%s", p.Status, p.Body)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						expectPriorEndpoint{addr: addr, url: urlOutOfBand, via: "CONSOLE"},
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: tp.portalHolds(accStoreJWO, jwo.MethodOrdering, urlPublicA, 3),
				// Terraform's apply set it back, and says so.
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("last_changed_via"), knownvalue.StringExact("TERRAFORM")),
				},
			},
		},
	})
}
