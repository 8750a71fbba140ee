package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

func TestAccDataSourceStoreConnector_readsSavedConnector(t *testing.T) {
	tp := newTestPortal(t)
	config := tp.providerConfig(tp.ViewerToken) + `
data "jwo_store_connector" "loyalty" {
  store_id = "acme-sea-01"
  method   = "LOYALTY"
}
`
	const addr = "data.jwo_store_connector.loyalty"
	first := "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod"
	second := "https://loyalty.example.com/v2"
	createdAt := statecheck.CompareValue(compare.ValuesSame())
	version := statecheck.CompareValue(compare.ValuesDiffer())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { tp.putConnector(t, accStoreJWO, jwo.MethodLoyalty, first) },
				Config:    config,
				ConfigStateChecks: append(objectChecks(addr, map[string]knownvalue.Check{
					"id":                  knownvalue.StringExact(accStoreJWO + "/LOYALTY"),
					"store_id":            knownvalue.StringExact(accStoreJWO),
					"method":              knownvalue.StringExact("LOYALTY"),
					"endpoint_url":        knownvalue.StringExact(first),
					"endpoint_type":       knownvalue.StringExact("PUBLIC"),
					"connectivity_status": knownvalue.StringExact("UNTESTED"),
					"last_test_id":        knownvalue.Null(),
					"version":             knownvalue.Int64Exact(1),
					"created_at":          knownvalue.StringRegexp(rfc3339),
					"updated_at":          knownvalue.StringRegexp(rfc3339),
					"updated_by":          knownvalue.StringExact("acme-operator"),
					"last_changed_via":    knownvalue.StringExact("API"),
				}),
					createdAt.AddStateValue(addr, tfjsonpath.New("created_at")),
					version.AddStateValue(addr, tfjsonpath.New("version")),
				),
			},
			{
				// a change made outside Terraform shows on the next read
				PreConfig: func() { tp.putConnector(t, accStoreJWO, jwo.MethodLoyalty, second) },
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("endpoint_url"), knownvalue.StringExact(second)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
					createdAt.AddStateValue(addr, tfjsonpath.New("created_at")),
					version.AddStateValue(addr, tfjsonpath.New("version")),
				},
			},
		},
	})
}

func TestAccDataSourceStoreConnector_errors(t *testing.T) {
	tp := newTestPortal(t)
	cases := []struct {
		name, storeID, method string
		want                  []string
	}{
		{"not saved", accStoreJWO, "ORDERING", []string{`connector ORDERING of store "acme-sea-01" not found`}},
		{"unknown store", "acme-nowhere", "ORDERING", []string{`connector ORDERING of store "acme-nowhere" not found`}},
		{"other merchant", accStoreOther, "ORDERING", []string{"not found"}},
		{"bad method", accStoreJWO, "PAYMENT", []string{"method", "value must be one of"}},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config: tp.providerConfig(tp.ViewerToken) + `
data "jwo_store_connector" "x" {
  store_id = "` + c.storeID + `"
  method   = "` + c.method + `"
}
`,
			ExpectError: errorRegexp(c.want...),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}
