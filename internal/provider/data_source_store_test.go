package provider

import (
	"maps"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

func TestAccDataSourceStore_profileAndConnectors(t *testing.T) {
	tp := newTestPortal(t)
	config := tp.providerConfig(tp.ViewerToken) + `
data "jwo_store" "sea" {
  id = "acme-sea-01"
}
`
	const addr = "data.jwo_store.sea"
	identityURL := "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod"

	// after the IDENTITY connector is saved, it is listed and no longer missing
	withIdentity := maps.Clone(accSeaStore)
	withIdentity["missing_methods"] = stringList("LOYALTY", "ORDERING", "FRAUD_AND_ABUSE")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: append(objectChecks(addr, accSeaStore),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("connectors"), knownvalue.ListExact(nil)),
				),
			},
			{
				PreConfig: func() { tp.putConnector(t, accStoreJWO, jwo.MethodIdentity, identityURL) },
				Config:    config,
				ConfigStateChecks: append(objectChecks(addr, withIdentity),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("connectors"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"store_id":            knownvalue.StringExact(accStoreJWO),
							"method":              knownvalue.StringExact("IDENTITY"),
							"endpoint_url":        knownvalue.StringExact(identityURL),
							"endpoint_type":       knownvalue.StringExact("PUBLIC"),
							"connectivity_status": knownvalue.StringExact("UNTESTED"),
							"last_test_id":        knownvalue.Null(),
							"version":             knownvalue.Int64Exact(1),
							"created_at":          knownvalue.StringRegexp(rfc3339),
							"updated_at":          knownvalue.StringRegexp(rfc3339),
							"updated_by":          knownvalue.StringExact("acme-operator"),
							"last_changed_via":    knownvalue.StringExact("API"),
						}),
					})),
				),
			},
		},
	})
}

func TestAccDataSourceStore_notFound(t *testing.T) {
	tp := newTestPortal(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      tp.providerConfig(tp.ViewerToken) + `data "jwo_store" "x" { id = "acme-nowhere" }`,
				ExpectError: errorRegexp(`store "acme-nowhere" not found`),
			},
			{
				// another merchant's store is not found either, never forbidden
				Config:      tp.providerConfig(tp.ViewerToken) + `data "jwo_store" "x" { id = "` + accStoreOther + `" }`,
				ExpectError: errorRegexp(`store "` + accStoreOther + `" not found`),
			},
			{
				Config:      tp.providerConfig(tp.ViewerToken) + `data "jwo_store" "x" { id = "acme/sea" }`,
				ExpectError: errorRegexp("Invalid store id", "use 1 to 255 letters"),
			},
		},
	})
}

// objectChecks checks each top-level attribute of a data source.
func objectChecks(addr string, attrs map[string]knownvalue.Check) []statecheck.StateCheck {
	var out []statecheck.StateCheck
	for name, check := range attrs {
		out = append(out, statecheck.ExpectKnownValue(addr, tfjsonpath.New(name), check))
	}
	return out
}
