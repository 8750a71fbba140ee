package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// identityValue is an identity of the resource type as the protocol sends it.
func (p *protoProvider) identityValue(typeName string, attrs map[string]tftypes.Value) *tfprotov6.ResourceIdentityData {
	p.t.Helper()
	resp, err := p.srv.GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		p.t.Fatal(err)
	}
	return &tfprotov6.ResourceIdentityData{IdentityData: p.dynamic(identityBlock(resp.IdentitySchemas[typeName]), attrs)}
}

func TestResourceIdentitySchemas(t *testing.T) {
	t.Parallel()
	srv := newUnconfiguredServer(t)
	resp, err := srv.GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	failOnDiagnostics(t, "GetResourceIdentitySchemas", resp.Diagnostics)
	want := map[string][]string{"jwo_store_connector": {"method", "store_id"}, "jwo_connectivity_test": {"id"}}
	for typeName, attrs := range want {
		s := resp.IdentitySchemas[typeName]
		if s == nil {
			t.Errorf("%s has no identity schema", typeName)
			continue
		}
		var got []string
		for _, a := range s.IdentityAttributes {
			if !a.RequiredForImport || !a.Type.Is(tftypes.String) {
				t.Errorf("%s.%s: required for import %v, type %s; want a required string", typeName, a.Name, a.RequiredForImport, a.Type)
			}
			got = append(got, a.Name)
		}
		if strings.Join(got, ",") != strings.Join(attrs, ",") {
			t.Errorf("%s identity attributes %v, want %v", typeName, got, attrs)
		}
	}
}

// TestStoreConnectorImportByIdentity: an import block's identity (method in
// any case) imports the connector; the read that follows returns the same,
// canonical identity; a bad identity is an error naming the value.
func TestStoreConnectorImportByIdentity(t *testing.T) {
	t.Parallel()
	tp := newTestPortal(t)
	ctx := context.Background()
	if _, _, err := tp.Operator.PutConnector(ctx, accStoreJWO, jwo.MethodLoyalty, jwo.ConnectorInput{EndpointURL: urlPublicA, EndpointType: jwo.EndpointPublic}, client.Precondition{}); err != nil {
		t.Fatal(err)
	}
	p := newProtoProvider(t, tp, tp.ViewerToken)
	imp, err := p.srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{
		TypeName: "jwo_store_connector",
		Identity: p.identityValue("jwo_store_connector", map[string]tftypes.Value{"store_id": str(accStoreJWO), "method": str("loyalty")}),
	})
	if err != nil {
		t.Fatal(err)
	}
	failOnDiagnostics(t, "ImportResourceState", imp.Diagnostics)
	if len(imp.ImportedResources) != 1 {
		t.Fatalf("%d imported resources, want 1", len(imp.ImportedResources))
	}
	ir := imp.ImportedResources[0]
	block := p.schema.ResourceSchemas["jwo_store_connector"].Block
	identitySchemas, _ := p.srv.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	idBlock := identityBlock(identitySchemas.IdentitySchemas["jwo_store_connector"])
	if got := decode(t, idBlock, ir.Identity.IdentityData); got["store_id"] != accStoreJWO || got["method"] != "LOYALTY" {
		t.Errorf("imported identity %v, want {%s LOYALTY}", got, accStoreJWO)
	}
	if got := decode(t, block, ir.State); got["id"] != accStoreJWO+"/LOYALTY" {
		t.Errorf("imported state id %v", got["id"])
	}

	read, err := p.srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "jwo_store_connector", CurrentState: ir.State, CurrentIdentity: ir.Identity})
	if err != nil {
		t.Fatal(err)
	}
	failOnDiagnostics(t, "ReadResource", read.Diagnostics)
	if got := decode(t, idBlock, read.NewIdentity.IdentityData); got["store_id"] != accStoreJWO || got["method"] != "LOYALTY" {
		t.Errorf("identity after read %v", got)
	}
	if got := decode(t, block, read.NewState); got["endpoint_url"] != urlPublicA || got["version"] != int64(1) {
		t.Errorf("state after read %v", got)
	}

	for _, tc := range []struct{ storeID, method, want string }{
		{accStoreJWO, "TELEPORT", `unknown method "TELEPORT"`},
		{"acme sea", "LOYALTY", `store id "acme sea" is invalid`},
	} {
		bad, err := p.srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{
			TypeName: "jwo_store_connector",
			Identity: p.identityValue("jwo_store_connector", map[string]tftypes.Value{"store_id": str(tc.storeID), "method": str(tc.method)}),
		})
		if err != nil {
			t.Fatal(err)
		}
		if errs := errorsOf(bad.Diagnostics); len(errs) != 1 || !strings.Contains(errs[0], tc.want) || !strings.Contains(errs[0], "Import identity") {
			t.Errorf("identity {%s %s}: %v, want an error saying %s", tc.storeID, tc.method, errs, tc.want)
		}
	}
}

// TestAccStoreConnector_identity: Create and refresh record the identity,
// and an import block with an identity adopts the connector (Terraform and
// OpenTofu 1.12+; .ci/run runs it on Terraform 1.15.9 and OpenTofu 1.12.6).
func TestAccStoreConnector_identity(t *testing.T) {
	tp := newTestPortal(t)
	addr := "jwo_store_connector.loyalty"
	config := tp.providerConfig(tp.OperatorToken) + connectorHCL("loyalty", accStoreJWO, "LOYALTY", urlPublicA, "PUBLIC")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{
						"store_id": knownvalue.StringExact(accStoreJWO),
						"method":   knownvalue.StringExact("LOYALTY"),
					}),
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
		},
	})
}

// TestAccConnectivityTest_identity: the run id is the identity, and an
// import block with it adopts the run.
func TestAccConnectivityTest_identity(t *testing.T) {
	tp := newTestPortal(t)
	c := newTestConnector(t)
	addr := "jwo_connectivity_test.loyalty"
	config := tp.providerConfig(tp.OperatorToken) + connectorHCL("loyalty", accStoreJWO, "LOYALTY", c.URL, "PUBLIC") + `
resource "jwo_connectivity_test" "loyalty" {
  store_id = jwo_store_connector.loyalty.store_id
  method   = jwo_store_connector.loyalty.method
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{"id": knownvalue.StringRegexp(regexp.MustCompile(`.+`))}),
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
		},
	})
}
