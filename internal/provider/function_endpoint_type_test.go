package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

func TestEndpointTypeFunction(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want string
	}{
		{in: "EDGE", want: "PUBLIC"},
		{in: "REGIONAL", want: "PUBLIC"},
		{in: "PRIVATE", want: "PRIVATE"},
		{in: "regional", want: "PUBLIC"},
		{in: " private ", want: "PRIVATE"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf(`output "type" { value = provider::jwo::endpoint_type(%q) }`, tc.in),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownOutputValue("type", knownvalue.StringExact(tc.want)),
					},
				}},
			})
		})
	}
}

func TestEndpointTypeFunction_invalid(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      `output "type" { value = provider::jwo::endpoint_type("GLOBAL") }`,
			ExpectError: errorPattern(`"GLOBAL" is not an API Gateway endpoint type: use "EDGE", "REGIONAL" or "PRIVATE"`),
		}},
	})
}
