package provider

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// listResult is what a test keeps of one ListResource result.
type listResult struct {
	name     string
	identity map[string]any
	resource map[string]any // nil unless include_resource
	errors   []string
}

// list calls ListResource with these config attributes and takes results
// until the stream ends.
func (p *protoProvider) list(config map[string]tftypes.Value, includeResource bool, limit int64) []listResult {
	p.t.Helper()
	ctx := context.Background()
	schema := p.schema.ListResourceSchemas["jwo_store_connector"]
	if schema == nil {
		p.t.Fatal("the provider has no list resource jwo_store_connector")
	}
	stream, err := p.srv.(tfprotov6.ListResourceServer).ListResource(ctx, &tfprotov6.ListResourceRequest{
		TypeName: "jwo_store_connector", Config: p.dynamic(schema.Block, config), IncludeResource: includeResource, Limit: limit,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	identitySchemas, err := p.srv.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		p.t.Fatal(err)
	}
	identityType := identityBlock(identitySchemas.IdentitySchemas["jwo_store_connector"])
	var out []listResult
	for r := range stream.Results {
		lr := listResult{name: r.DisplayName, errors: errorsOf(r.Diagnostics)}
		if r.Identity != nil && r.Identity.IdentityData != nil {
			lr.identity = decode(p.t, identityType, r.Identity.IdentityData)
		}
		if r.Resource != nil {
			lr.resource = decode(p.t, p.schema.ResourceSchemas["jwo_store_connector"].Block, r.Resource)
		}
		out = append(out, lr)
	}
	return out
}

// identityBlock is an identity schema as a block, so decode reads it.
func identityBlock(s *tfprotov6.ResourceIdentitySchema) *tfprotov6.SchemaBlock {
	b := &tfprotov6.SchemaBlock{}
	for _, a := range s.IdentityAttributes {
		b.Attributes = append(b.Attributes, &tfprotov6.SchemaAttribute{Name: a.Name, Type: a.Type})
	}
	return b
}

func names(rs []listResult) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.name)
	}
	return out
}

// TestListStoreConnectors_streamsEveryPage: 1,004 connectors span two pages
// of the portal; every one comes out once, in order, with its identity and
// display name, and no resource unless asked.
func TestListStoreConnectors_streamsEveryPage(t *testing.T) {
	t.Parallel()
	tp := newTestPortal(t, withStoresNeedingEveryMethod("acme-list", 251))
	want := tp.seedConnectors(t, "acme-list", 251)
	p := newProtoProvider(t, tp, tp.ViewerToken)

	got := p.list(nil, false, 0)
	if !slices.Equal(names(got), want) {
		t.Fatalf("listed %d connectors, want the %d saved, in order (first %v, last %v)", len(got), len(want), names(got[:min(3, len(got))]), names(got[max(0, len(got)-3):]))
	}
	for i, r := range got {
		storeID, method, _ := strings.Cut(want[i], "/")
		if len(r.errors) > 0 || r.resource != nil || r.identity["store_id"] != storeID || r.identity["method"] != method {
			t.Fatalf("result %d = %+v, want identity {%s %s}, no resource, no error", i, r, storeID, method)
		}
	}
	// Both sides of the page boundary (the portal's page is 1,000).
	if got[999].name != want[999] || got[1000].name != want[1000] {
		t.Errorf("around the page boundary: %s, %s; want %s, %s", got[999].name, got[1000].name, want[999], want[1000])
	}

	// Streamed: the second page is asked for only once Terraform has taken
	// every result of the first.
	url, rc := tp.CountingEndpoint(t, "")
	counted := newProtoProviderAt(t, url, tp.ViewerToken)
	stream, err := counted.srv.(tfprotov6.ListResourceServer).ListResource(context.Background(), &tfprotov6.ListResourceRequest{
		TypeName: "jwo_store_connector", Config: counted.dynamic(counted.schema.ListResourceSchemas["jwo_store_connector"].Block, nil),
	})
	if err != nil {
		t.Fatal(err)
	}
	pages := func() int { return rc.Snapshot()["GET /v1/connectors"] }
	taken := 0
	for range stream.Results {
		taken++
		if taken <= listPageSize && pages() != 1 {
			t.Fatalf("after %d results the provider had asked for %d pages, want 1", taken, pages())
		}
	}
	if taken != len(want) || pages() != 2 {
		t.Errorf("took %d results over %d pages, want %d over 2", taken, pages(), len(want))
	}
}

// TestListStoreConnectors_includeResourceFiltersAndLimit: include_resource
// gives the whole resource as jwo_store_connector holds it, the filters
// narrow, limit stops the stream, and an empty merchant lists nothing.
func TestListStoreConnectors_includeResourceFiltersAndLimit(t *testing.T) {
	t.Parallel()
	tp := newTestPortal(t)
	ctx := context.Background()
	conn, _, err := tp.Operator.PutConnector(ctx, accStoreJWO, jwo.MethodOrdering, jwo.ConnectorInput{EndpointURL: urlPrivate, EndpointType: jwo.EndpointPrivate}, client.Precondition{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []struct {
		store string
		m     jwo.Method
	}{{accStoreJWO, jwo.MethodIdentity}, {accStoreDashCart, jwo.MethodOrdering}} {
		if _, _, err := tp.Operator.PutConnector(ctx, k.store, k.m, jwo.ConnectorInput{EndpointURL: urlPublicA, EndpointType: jwo.EndpointPublic}, client.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := tp.OtherAdmin.PutConnector(ctx, accStoreOther, jwo.MethodOrdering, jwo.ConnectorInput{EndpointURL: urlOutOfBand, EndpointType: jwo.EndpointPublic}, client.Precondition{}); err != nil {
		t.Fatal(err)
	}
	p := newProtoProvider(t, tp, tp.ViewerToken)
	cart, seaID, seaOrd := accStoreDashCart+"/ORDERING", accStoreJWO+"/IDENTITY", accStoreJWO+"/ORDERING"

	full := p.list(map[string]tftypes.Value{"store_id": str(accStoreJWO), "method": str("ORDERING")}, true, 0)
	if len(full) != 1 || full[0].name != seaOrd || len(full[0].errors) > 0 {
		t.Fatalf("one connector with include_resource: %+v", full)
	}
	wantResource := map[string]any{
		"id": seaOrd, "store_id": accStoreJWO, "method": "ORDERING", "endpoint_url": urlPrivate, "endpoint_type": "PRIVATE",
		"version": int64(1), "connectivity_status": "UNTESTED", "last_test_id": nil,
		"updated_at": conn.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z"), "updated_by": conn.UpdatedBy,
		"last_changed_via": "API",
	}
	for k, v := range wantResource {
		if full[0].resource[k] != v {
			t.Errorf("resource.%s = %#v, want %#v", k, full[0].resource[k], v)
		}
	}

	for _, tc := range []struct {
		name   string
		config map[string]tftypes.Value
		limit  int64
		want   []string
	}{
		{"all", nil, 0, []string{cart, seaID, seaOrd}},
		{"limit", nil, 2, []string{cart, seaID}},
		{"method", map[string]tftypes.Value{"method": str("ORDERING")}, 0, []string{cart, seaOrd}},
		{"store_type", map[string]tftypes.Value{"store_type": str("DASH_CART")}, 0, []string{cart}},
		{"connectivity_status", map[string]tftypes.Value{"connectivity_status": str("SUCCESSFUL")}, 0, []string{}},
		{"last_changed_via API", map[string]tftypes.Value{"last_changed_via": str("API")}, 0, []string{cart, seaID, seaOrd}},
		{"last_changed_via TERRAFORM", map[string]tftypes.Value{"last_changed_via": str("TERRAFORM")}, 0, []string{}},
		{"another merchant's store", map[string]tftypes.Value{"store_id": str(accStoreOther)}, 0, []string{}},
	} {
		if got := names(p.list(tc.config, false, tc.limit)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}

	// Globex's token lists Globex's one connector, never Acme's.
	other := newProtoProvider(t, tp, tp.OtherAdminToken)
	if got := names(other.list(nil, false, 0)); !slices.Equal(got, []string{accStoreOther + "/ORDERING"}) {
		t.Errorf("Globex lists %v", got)
	}
	// A merchant without connectors lists nothing, without an error.
	empty := newTestPortal(t)
	if got := newProtoProvider(t, empty, empty.ViewerToken).list(nil, true, 0); len(got) != 0 {
		t.Errorf("an empty merchant lists %+v", got)
	}
}

// TestListStoreConnectors_badFilter: an unknown filter value is an error
// naming the attribute when Terraform validates the list block.
func TestListStoreConnectors_badFilter(t *testing.T) {
	t.Parallel()
	tp := newTestPortal(t)
	p := newProtoProvider(t, tp, tp.ViewerToken)
	schema := p.schema.ListResourceSchemas["jwo_store_connector"]
	for attr, value := range map[string]string{"connectivity_status": "GREEN", "method": "TELEPORT", "store_type": "KIOSK", "store_id": "acme sea"} {
		resp, err := p.srv.(tfprotov6.ListResourceServer).ValidateListResourceConfig(context.Background(), &tfprotov6.ValidateListResourceConfigRequest{
			TypeName: "jwo_store_connector", Config: p.dynamic(schema.Block, map[string]tftypes.Value{attr: str(value)}),
		})
		if err != nil {
			t.Fatal(err)
		}
		errs := errorsOf(resp.Diagnostics)
		if len(errs) != 1 || !strings.Contains(errs[0], attr) || !strings.Contains(errs[0], value) {
			t.Errorf("%s = %q: %v, want one error naming the attribute and the value", attr, value, errs)
		}
	}
}

// TestConnectorListResultMatchesTheModel: the values a result is built from
// directly equal what the framework's Set makes of the resource's model and
// identity, so the list and the resource never disagree, but for the last
// test's status and id, which the listing shows and the state does not.
func TestConnectorListResultMatchesTheModel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := &storeConnectorResource{}
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	var ir resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &ir)
	req := list.ListRequest{IncludeResource: true, ResourceSchema: sr.Schema, ResourceIdentitySchema: ir.IdentitySchema}
	tt, err := listTypes(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 4, 5, 6, 7, 8e6, time.UTC)
	for _, c := range []jwo.Connector{
		{StoreID: accStoreJWO, Method: jwo.MethodOrdering, EndpointURL: urlPrivate, EndpointType: jwo.EndpointPrivate,
			ConnectivityStatus: jwo.ConnectivitySuccessful, LastTestID: "run-1", Version: 7, CreatedAt: at, UpdatedAt: at, UpdatedBy: "ops"},
		{StoreID: accStoreDashCart, Method: jwo.MethodOrdering, EndpointURL: urlPublicA, EndpointType: jwo.EndpointPublic,
			ConnectivityStatus: jwo.ConnectivityUntested, Version: 1, UpdatedAt: at, UpdatedBy: "ops"},
	} {
		got := connectorListResult(ctx, req, tt, c)
		want := req.NewListResult(ctx)
		var m storeConnectorModel
		m.set(c)
		m.ConnectivityStatus, m.LastTestID = types.StringValue(string(c.ConnectivityStatus)), stringOrNull(c.LastTestID)
		diags := want.Resource.Set(ctx, &m)
		diags.Append(want.Identity.Set(ctx, newConnectorIdentity(c.StoreID, c.Method))...)
		if diags.HasError() {
			t.Fatal(diags)
		}
		if !got.Resource.Raw.Equal(want.Resource.Raw) {
			t.Errorf("resource:\n got  %s\n want %s", got.Resource.Raw, want.Resource.Raw)
		}
		if !got.Identity.Raw.Equal(want.Identity.Raw) {
			t.Errorf("identity:\n got  %s\n want %s", got.Identity.Raw, want.Identity.Raw)
		}
	}
}
