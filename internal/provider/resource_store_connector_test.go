package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// Endpoint URLs that are only saved, never called: no test runs a
// connectivity test against them, so nothing outside loopback is dialled.
const (
	urlPublicA = "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod"
	// urlPublicB spelled with an upper-case host and a trailing slash, and
	// in its plain form.
	urlPublicBOdd   = "https://XYZ987ABCD.execute-api.us-west-2.amazonaws.com/live/"
	urlPublicBPlain = "https://xyz987abcd.execute-api.us-west-2.amazonaws.com/live"
	urlOutOfBand    = "https://oob456hijk.execute-api.us-east-1.amazonaws.com/hotfix"
	urlPrivate      = "https://abc123defg-vpce-0123456789abcdef0.execute-api.us-east-1.vpce.amazonaws.com/prod"
)

// timestampPattern matches the timestamps the resources record (UTC, seconds).
var timestampPattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)

// connectorHCL is one jwo_store_connector block.
func connectorHCL(name, storeID, method, url, endpointType string) string {
	return fmt.Sprintf(`
resource "jwo_store_connector" %q {
  store_id      = %q
  method        = %q
  endpoint_url  = %q
  endpoint_type = %q
}
`, name, storeID, method, url, endpointType)
}

// checkConnectorsDestroyed is a CheckDestroy: every jwo_store_connector the
// test had is gone from the portal.
func (tp *testPortal) checkConnectorsDestroyed(s *terraform.State) error {
	for _, rs := range s.RootModule().Resources {
		if rs.Type != "jwo_store_connector" {
			continue
		}
		storeID, method := rs.Primary.Attributes["store_id"], jwo.Method(rs.Primary.Attributes["method"])
		_, err := tp.Admin.GetConnector(context.Background(), storeID, method)
		if err == nil {
			return fmt.Errorf("connector %s/%s still exists in the portal after destroy", storeID, method)
		}
		if !client.IsNotFound(err) {
			return fmt.Errorf("checking connector %s/%s: %w", storeID, method, err)
		}
	}
	return nil
}

// changeOutOfBand replaces a connector's endpoint through the API, as a
// colleague would in the portal, and fails the test if that does not work.
func (tp *testPortal) changeOutOfBand(t *testing.T, storeID string, m jwo.Method, url string) {
	t.Helper()
	ctx := context.Background()
	cur, err := tp.Operator.GetConnector(ctx, storeID, m)
	if err != nil {
		t.Fatalf("out-of-band change: read %s/%s: %v", storeID, m, err)
	}
	in := jwo.ConnectorInput{EndpointURL: url, EndpointType: cur.EndpointType}
	if _, _, err := tp.Operator.PutConnector(ctx, storeID, m, in, client.Precondition{IfMatchVersion: cur.Version}); err != nil {
		t.Fatalf("out-of-band change of %s/%s: %v", storeID, m, err)
	}
}

// portalHolds checks that the portal's connector has the given endpoint.
func (tp *testPortal) portalHolds(storeID string, m jwo.Method, url string, version int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		c, err := tp.Viewer.GetConnector(context.Background(), storeID, m)
		if err != nil {
			return fmt.Errorf("read %s/%s: %w", storeID, m, err)
		}
		if !jwo.EquivalentEndpointURLs(c.EndpointURL, url) || c.Version != version {
			return fmt.Errorf("portal holds %s version %d, want %s version %d", c.EndpointURL, c.Version, url, version)
		}
		return nil
	}
}

func TestAccStoreConnector_lifecycle(t *testing.T) {
	tp := newTestPortal(t)
	const addr = "jwo_store_connector.ordering"
	config := func(url string) string {
		return tp.providerConfig(tp.OperatorToken) + connectorHCL("ordering", accStoreJWO, "ORDERING", url, "PUBLIC")
	}
	serverSide := []string{"version", "updated_at", "updated_by", "last_changed_via"}
	expectUnknown := func() []plancheck.PlanCheck {
		checks := []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}
		for _, a := range serverSide {
			checks = append(checks, plancheck.ExpectUnknownValue(addr, tfjsonpath.New(a)))
		}
		// What test runs change is not the resource's (runAttributes):
		// null in every plan, never "known after apply".
		for _, a := range runAttributeNames {
			checks = append(checks, plancheck.ExpectKnownValue(addr, tfjsonpath.New(a), knownvalue.Null()))
		}
		return checks
	}
	emptyAfterApply := []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: []resource.TestStep{
			{
				Config: config(urlPublicA),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(accStoreJWO+"/ORDERING")),
						plancheck.ExpectUnknownValue(addr, tfjsonpath.New("version")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(accStoreJWO+"/ORDERING")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("endpoint_url"), knownvalue.StringExact(urlPublicA)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("endpoint_type"), knownvalue.StringExact("PUBLIC")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("connectivity_status"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("last_test_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("updated_at"), knownvalue.StringRegexp(timestampPattern)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("updated_by"), knownvalue.NotNull()),
				},
				Check: tp.portalHolds(accStoreJWO, jwo.MethodOrdering, urlPublicA, 1),
			},
			// Import by command, verified attribute by attribute.
			{ResourceName: addr, ImportState: true, ImportStateVerify: true},
			// The method part of the id is case-insensitive.
			{ResourceName: addr, ImportState: true, ImportStateId: accStoreJWO + "/ordering", ImportStateVerify: true},
			// Import by an import block: the plan must be a no-op import.
			{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
			// An update to a URL written with an upper-case host and a trailing
			// slash: the server-side values are unknown in the plan, the
			// spelling is kept, and the next plan is empty.
			{
				Config:           config(urlPublicBOdd),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectUnknown(), PostApplyPostRefresh: emptyAfterApply},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("endpoint_url"), knownvalue.StringExact(urlPublicBOdd)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				},
				Check: tp.portalHolds(accStoreJWO, jwo.MethodOrdering, urlPublicBPlain, 2),
			},
			// Respelling the same endpoint is no change at all.
			{
				Config:           config(urlPublicBPlain),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				},
			},
			// A change made in the portal shows as a planned update that
			// restores the configuration.
			{
				PreConfig:        func() { tp.changeOutOfBand(t, accStoreJWO, jwo.MethodOrdering, urlOutOfBand) },
				Config:           config(urlPublicBPlain),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectUnknown(), PostApplyPostRefresh: emptyAfterApply},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(4)),
				},
				Check: tp.portalHolds(accStoreJWO, jwo.MethodOrdering, urlPublicBPlain, 4),
			},
		},
	})
}

// A private API Gateway (a .vpce host) is saved as PRIVATE.
func TestAccStoreConnector_privateEndpoint(t *testing.T) {
	tp := newTestPortal(t)
	const addr = "jwo_store_connector.fraud"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: []resource.TestStep{{
			Config: tp.providerConfig(tp.OperatorToken) + connectorHCL("fraud", accStoreJWO, "FRAUD_AND_ABUSE", urlPrivate, "PRIVATE"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("endpoint_type"), knownvalue.StringExact("PRIVATE")),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check:            tp.portalHolds(accStoreJWO, jwo.MethodFraudAndAbuse, urlPrivate, 1),
		}},
	})
}

// An import id that is not STORE_ID/METHOD fails with the expected form.
func TestAccStoreConnector_importInvalidID(t *testing.T) {
	tp := newTestPortal(t)
	config := tp.providerConfig(tp.OperatorToken) + connectorHCL("c", accStoreJWO, "ORDERING", urlPublicA, "PUBLIC")
	cases := map[string]string{
		accStoreJWO:                 `Import id "acme-sea-01" is not STORE_ID/METHOD, e.g. "acme-sea-01/ORDERING"`,
		accStoreJWO + "/PAYMENT":    `unknown method "PAYMENT": use one of "IDENTITY", "LOYALTY", "ORDERING", "FRAUD_AND_ABUSE"`,
		"acme sea/ORDERING":         `store id "acme sea" is invalid`,
		accStoreJWO + "/ORDERING/x": `is not STORE_ID/METHOD`,
	}
	var steps []resource.TestStep
	for id, want := range cases {
		steps = append(steps, resource.TestStep{
			Config: config, ResourceName: "jwo_store_connector.c", ImportState: true, ImportStateId: id,
			ExpectError: errorPattern(want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// A connector deleted in the portal leaves state on refresh, so the plan
// creates it again.
func TestAccStoreConnector_deletedOutsideTerraform(t *testing.T) {
	tp := newTestPortal(t)
	const addr = "jwo_store_connector.loyalty"
	config := tp.providerConfig(tp.OperatorToken) + connectorHCL("loyalty", accStoreJWO, "LOYALTY", urlPublicA, "PUBLIC")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					if err := tp.Operator.DeleteConnector(context.Background(), accStoreJWO, jwo.MethodLoyalty, client.Precondition{}); err != nil {
						t.Fatalf("out-of-band delete: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
				},
			},
		},
	})
}

// Creating a connector that already exists with another configuration fails
// with the import block that adopts it; the import block then works.
func TestAccStoreConnector_createExisting(t *testing.T) {
	tp := newTestPortal(t)
	const addr = "jwo_store_connector.loyalty"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					in := jwo.ConnectorInput{EndpointURL: urlOutOfBand, EndpointType: jwo.EndpointPublic}
					if _, _, err := tp.Operator.PutConnector(context.Background(), accStoreJWO, jwo.MethodLoyalty, in, client.Precondition{IfNoneMatch: true}); err != nil {
						t.Fatalf("create in the portal: %v", err)
					}
				},
				Config: tp.providerConfig(tp.OperatorToken) + connectorHCL("loyalty", accStoreJWO, "LOYALTY", urlPublicA, "PUBLIC"),
				ExpectError: errorPattern(
					`A connector for store "acme-sea-01" and method LOYALTY already exists in the portal`,
					"import {", "to = jwo_store_connector.<name>", `id = "acme-sea-01/LOYALTY"`, "}",
					"terraform import jwo_store_connector.<name> acme-sea-01/LOYALTY",
				),
				// Nothing was overwritten.
				Check: tp.portalHolds(accStoreJWO, jwo.MethodLoyalty, urlOutOfBand, 1),
			},
			{
				Config: tp.providerConfig(tp.OperatorToken) + connectorHCL("loyalty", accStoreJWO, "LOYALTY", urlOutOfBand, "PUBLIC") + `
import {
  to = jwo_store_connector.loyalty
  id = "acme-sea-01/LOYALTY"
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
				},
			},
		},
	})
}

// When the portal already holds exactly the planned configuration (the answer
// to an earlier attempt of the same create was lost and the client's retry
// met a 412), the create adopts it instead of failing.
func TestAccStoreConnector_createAdoptsIdenticalConnector(t *testing.T) {
	tp := newTestPortal(t)
	const addr = "jwo_store_connector.fraud"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				in := jwo.ConnectorInput{EndpointURL: urlPublicBPlain, EndpointType: jwo.EndpointPublic}
				if _, _, err := tp.Operator.PutConnector(context.Background(), accStoreJWO, jwo.MethodFraudAndAbuse, in, client.Precondition{IfNoneMatch: true}); err != nil {
					t.Fatalf("create in the portal: %v", err)
				}
			},
			Config:           tp.providerConfig(tp.OperatorToken) + connectorHCL("fraud", accStoreJWO, "FRAUD_AND_ABUSE", urlPublicBOdd, "PUBLIC"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("endpoint_url"), knownvalue.StringExact(urlPublicBOdd)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
			},
		}},
	})
}

// An update meets 412 when the connector changed in the portal after the
// state Terraform plans from. Every plan of this test case runs with
// -refresh=false, so the out-of-band change made in PreConfig stays unseen
// and the update is sent with If-Match of the stale version: the real
// conflict, through the real terraform, deterministically. A refresh step
// then shows the way out the error message gives.
func TestAccStoreConnector_updateConflict(t *testing.T) {
	tp := newTestPortal(t)
	const addr = "jwo_store_connector.identity"
	config := func(url string) string {
		return tp.providerConfig(tp.OperatorToken) + connectorHCL("identity", accStoreJWO, "IDENTITY", url, "PUBLIC")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		AdditionalCLIOptions:     &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: []resource.TestStep{
			{Config: config(urlPublicA)},
			{
				PreConfig: func() { tp.changeOutOfBand(t, accStoreJWO, jwo.MethodIdentity, urlOutOfBand) },
				Config:    config(urlPublicBPlain),
				ExpectError: errorPattern("Connector changed outside Terraform",
					"was changed outside Terraform since the last refresh (Terraform last saw version 1)",
					"Run terraform apply -refresh-only (or plan again)"),
				// Never a silent overwrite.
				Check: tp.portalHolds(accStoreJWO, jwo.MethodIdentity, urlOutOfBand, 2),
			},
			// The refresh brings the portal's change into state; the plan after
			// it shows the update that would replace it, for review.
			{
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "endpoint_url", urlOutOfBand),
					resource.TestCheckResourceAttr(addr, "version", "2"),
				),
			},
			{
				Config: config(urlPublicBPlain),
				Check:  tp.portalHolds(accStoreJWO, jwo.MethodIdentity, urlPublicBPlain, 3),
			},
		},
	})
}

// A viewer token reads (so the plan works) but may not write.
func TestAccStoreConnector_viewerCannotWrite(t *testing.T) {
	tp := newTestPortal(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: []resource.TestStep{{
			Config:      tp.providerConfig(tp.ViewerToken) + connectorHCL("ordering", accStoreJWO, "ORDERING", urlPublicA, "PUBLIC"),
			ExpectError: errorPattern("The token's role may not change connectors or run tests: use an operator or admin token"),
		}},
	})
}

// Every mistake the plan can catch fails the plan (PlanOnly: no apply runs)
// with a message that names the field and the fix.
func TestAccStoreConnector_planTimeErrors(t *testing.T) {
	tp := newTestPortal(t)
	cases := []struct {
		name                          string
		storeID, method, url, endType string
		want                          []string
	}{
		{"method enum", accStoreJWO, "PAYMENT", urlPublicA, "PUBLIC",
			[]string{`Attribute method value must be one of`, `got: "PAYMENT"`}},
		{"lower-case method", accStoreJWO, "ordering", urlPublicA, "PUBLIC",
			[]string{`Attribute method value must be one of`}},
		{"endpoint type enum", accStoreJWO, "ORDERING", urlPublicA, "public",
			[]string{`Attribute endpoint_type value must be one of: ["PUBLIC" "PRIVATE"]`}},
		{"store id form", "acme sea", "ORDERING", urlPublicA, "PUBLIC",
			[]string{`store id "acme sea" is invalid`}},
		{"not a URL", accStoreJWO, "ORDERING", "ftp://abc123defg.execute-api.us-east-1.amazonaws.com", "PUBLIC",
			[]string{"Invalid endpoint URL", "is not an absolute https URL"}},
		{"http off loopback", accStoreJWO, "ORDERING", "http://abc123defg.execute-api.us-east-1.amazonaws.com/prod", "PUBLIC",
			[]string{"uses http: Amazon calls connectors over https only"}},
		{"api-id of 11 characters", accStoreJWO, "ORDERING", "https://f027x000001.execute-api.us-east-1.amazonaws.com/prod", "PUBLIC",
			[]string{"Invalid endpoint URL", `the api-id "f027x000001" has 11 characters, and an api-id is 10 lower-case letters or digits`}},
		{"vpce host declared PUBLIC", accStoreJWO, "ORDERING", urlPrivate, "PUBLIC",
			[]string{`ends in .vpce.amazonaws.com, which is a private API Gateway: set endpoint_type = "PRIVATE"`}},
		{"store missing", "acme-nowhere", "ORDERING", urlPublicA, "PUBLIC",
			[]string{"Store not found", `Store "acme-nowhere" does not exist for this token's merchant`}},
		{"another merchant's store", accStoreOther, "ORDERING", urlPublicA, "PUBLIC",
			[]string{`Store "globex-01" does not exist for this token's merchant`}},
		{"method not applicable", accStoreDashCart, "IDENTITY", urlPublicA, "PUBLIC",
			[]string{`method IDENTITY does not apply to store "acme-cart-01": its applicable methods are "ORDERING"`}},
		{"store needs no connector", accStoreNotRequired, "ORDERING", urlPublicA, "PUBLIC",
			[]string{`method ORDERING does not apply to store "acme-sea-02": the store needs no connectors`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tp.providerConfig(tp.OperatorToken) + connectorHCL("c", tc.storeID, tc.method, tc.url, tc.endType),
					PlanOnly:    true,
					ExpectError: errorPattern(tc.want...),
				}},
			})
		})
	}
}

// A plan with nothing to change costs one request for both connectors: the
// merchant's first page of connectors, which holds them all. The plan-time
// store check runs on create only.
func TestAccStoreConnector_noOpPlanCostsOneListing(t *testing.T) {
	tp := newTestPortal(t)
	endpoint, counter := tp.CountingEndpoint(t, "")
	config := providerConfigAt(endpoint, tp.OperatorToken) +
		connectorHCL("ordering", accStoreJWO, "ORDERING", urlPublicA, "PUBLIC") +
		connectorHCL("loyalty", accStoreJWO, "LOYALTY", urlPublicBOdd, "PUBLIC")
	var before map[string]int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: []resource.TestStep{
			{Config: config},
			// A plan-only step refreshes once (and plans once without refresh).
			{
				PreConfig: func() { before = counter.Snapshot() },
				Config:    config,
				PlanOnly:  true,
			},
			{
				PreConfig: func() {
					after := counter.Snapshot()
					want := map[string]int{"GET /v1/connectors": 1}
					for k := range want {
						after[k] += 0 // every wanted call is checked, made or not
					}
					for k, n := range after {
						if d := n - before[k]; d != want[k] {
							t.Errorf("a no-op plan made %d requests %s, want %d", d, k, want[k])
						}
					}
				},
				Config:   config,
				PlanOnly: true,
			},
		},
	})
}

// The provider admits http on loopback at plan time because only the portal
// knows whether it runs in development mode; a production portal refuses the
// URL at apply, and the error points at endpoint_url.
func TestAccStoreConnector_productionPortalRefusesLoopback(t *testing.T) {
	tp := newTestPortal(t, withProductionMode())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             tp.checkConnectorsDestroyed,
		Steps: []resource.TestStep{{
			Config: tp.providerConfig(tp.OperatorToken) + connectorHCL("ordering", accStoreJWO, "ORDERING", "http://127.0.0.1:9/demo", "PUBLIC"),
			ExpectError: errorPattern("Unable to create connector acme-sea-01/ORDERING",
				`endpoint_url = "http://127.0.0.1:9/demo"`, "points at this machine"),
		}},
	})
}
