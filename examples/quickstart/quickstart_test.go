// Package quickstart_test keeps the quickstart configuration working: it
// applies the .tf files of this directory, as they are, against a portal
// seeded from seed.yaml and a sample connector, both served in-process on
// loopback, with the provider served in-process too. `make test` runs it
// (TF_ACC=1); `make demo` runs the same configuration with the built binaries.
package quickstart_test

import (
	"os"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
	"github.com/justwalkout/terraform-provider-jwo/internal/provider"
)

// brokenConnector is the connector that the demo points at a closed port.
const brokenConnector = "acme-bos-01/FRAUD_AND_ABUSE"

// TestQuickstart applies the quickstart with one broken endpoint, checks the
// outputs that make demo prints, and then repairs the endpoint: the new
// connector version re-runs that connector's test, and only that one.
func TestQuickstart(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("an acceptance test: set TF_ACC=1 (make test does)")
	}
	// The configuration declares source = "justwalkout/jwo".
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "justwalkout")
	portalURL, token := startPortal(t)
	t.Setenv("JWO_ENDPOINT", portalURL)
	t.Setenv("JWO_TOKEN", token)
	connectorURL := portaltest.StartConnector(t).URL

	brokenURL := portaltest.ClosedURL(t)
	vars := func(broken bool) config.Variables {
		v := config.Variables{"connector_url": config.StringVariable(connectorURL)}
		if broken {
			v["broken_connector"] = config.StringVariable(brokenConnector)
			v["broken_url"] = config.StringVariable(brokenURL)
		}
		return v
	}
	test := func(key string) string { return `jwo_connectivity_test.this["` + key + `"]` }
	successful := knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"status": knownvalue.StringExact("SUCCESSFUL"),
		"reason": knownvalue.Null(),
	})

	// The configuration has a provider block, so the provider is given per
	// step (plugin-testing refuses it at both levels).
	providers := map[string]func() (tfprotov6.ProviderServer, error){
		"jwo": providerserver.NewProtocol6WithError(provider.New("test")()),
	}

	resource.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: providers,
				ConfigDirectory:          config.StaticDirectory("."),
				ConfigVariables:          vars(true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("completion", knownvalue.MapExact(map[string]knownvalue.Check{
						"acme-sea-01":      completion("COMPLETE", "IDENTITY", "LOYALTY", "ORDERING", "FRAUD_AND_ABUSE"),
						"acme-sea-cart-01": completion("COMPLETE", "ORDERING"),
						"acme-bos-01":      completion("COMPLETE", "IDENTITY", "FRAUD_AND_ABUSE"),
						"acme-pdx-01":      completion("NOT_REQUIRED"),
					})),
					statecheck.ExpectKnownOutputValue("connectivity_tests", knownvalue.MapExact(map[string]knownvalue.Check{
						"acme-sea-01/IDENTITY":        successful,
						"acme-sea-01/LOYALTY":         successful,
						"acme-sea-01/ORDERING":        successful,
						"acme-sea-01/FRAUD_AND_ABUSE": successful,
						"acme-sea-cart-01/ORDERING":   successful,
						"acme-bos-01/IDENTITY":        successful,
						brokenConnector: knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"status":      knownvalue.StringExact("UNSUCCESSFUL"),
							"reason":      knownvalue.StringExact("connect"),
							"http_status": knownvalue.Int64Exact(0),
						}),
					})),
				},
				// resource.Test then plans again and fails on any change:
				// the quickstart converges in one apply.
			},
			{
				ProtoV6ProviderFactories: providers,
				ConfigDirectory:          config.StaticDirectory("."),
				ConfigVariables:          vars(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(`jwo_store_connector.this["`+brokenConnector+`"]`, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(test(brokenConnector), plancheck.ResourceActionReplace),
						plancheck.ExpectResourceAction(test("acme-bos-01/IDENTITY"), plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction(test("acme-sea-01/ORDERING"), plancheck.ResourceActionNoop),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(test(brokenConnector), tfjsonpath.New("status"), knownvalue.StringExact("SUCCESSFUL")),
					statecheck.ExpectKnownValue(test(brokenConnector), tfjsonpath.New("triggers"),
						knownvalue.MapExact(map[string]knownvalue.Check{"version": knownvalue.StringExact("2")})),
				},
			},
			{
				// An empty configuration destroys everything, so that the
				// state plugin-testing reads after the last step is empty:
				// its legacy state reader cannot read for_each keys.
				ProtoV6ProviderFactories: providers,
				Config:                   "# nothing",
			},
		},
	})
}

// completion checks one store's entry of the completion output.
func completion(status string, required ...string) knownvalue.Check {
	methods := make([]knownvalue.Check, 0, len(required))
	for _, m := range required {
		methods = append(methods, knownvalue.StringExact(m))
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"status":           knownvalue.StringExact(status),
		"required_methods": knownvalue.ListExact(methods),
		"missing_methods":  knownvalue.ListExact([]knownvalue.Check{}),
	})
}

// startPortal serves a dev-mode portal seeded from seed.yaml, as make demo
// starts it, and returns its URL and an operator token of acme.
func startPortal(t *testing.T) (url, token string) {
	t.Helper()
	f, err := os.Open("seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	file, err := seed.Parse("seed.yaml", f)
	if err != nil {
		t.Fatalf("seed.yaml: %v", err)
	}
	tp := portaltest.Start(t, portaltest.WithSeed(file),
		portaltest.WithOptions(func(o *portal.Options) { o.TestTimeout = 5 * time.Second }))
	return tp.URL, tp.Token("acme", jwo.RoleOperator)
}
