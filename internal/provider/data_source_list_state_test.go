package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// The hand-built state of jwo_stores is exactly what the framework's
// reflection makes of the model, filters and empty lists included.
func TestStoresStateMatchesTheModel(t *testing.T) {
	ctx := context.Background()
	var sresp datasource.SchemaResponse
	(&storesDataSource{}).Schema(ctx, datasource.SchemaRequest{}, &sresp)
	stores := []jwo.Store{
		{
			StoreProfile: jwo.StoreProfile{ID: "acme-sea-01", Name: "Acme Seattle 1", StoreType: jwo.StoreTypeJWO, Region: "us-east-1",
				EntryMethods: []jwo.EntryMethod{jwo.EntryAppQR, jwo.EntryCreditCard}, FraudAndAbuseStrategy: jwo.FraudCustomerManaged,
				OrderDelegation: true, LoyaltyProgram: true},
			RequiredMethods: jwo.Methods, CompletionStatus: jwo.CompletionIncomplete, MissingMethods: []jwo.Method{jwo.MethodLoyalty},
		},
		{
			StoreProfile:     jwo.StoreProfile{ID: "acme-cart-01", Name: "Cart", StoreType: jwo.StoreTypeDashCart, Region: "us-west-2"},
			CompletionStatus: jwo.CompletionNotRequired,
		},
	}
	for _, data := range []storesDataSourceModel{
		{ID: types.StringValue("all"), StoreType: types.StringNull(), CompletionStatus: types.StringNull(), Method: types.StringNull()},
		{ID: types.StringValue("store_type=JWO"), StoreType: types.StringValue("JWO"), CompletionStatus: types.StringNull(), Method: types.StringNull()},
	} {
		typ := sresp.Schema.Type().TerraformType(ctx)
		got, err := storesState(ctx, typ, data, stores)
		if err != nil {
			t.Fatal(err)
		}
		want := tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, nil)}
		for _, s := range stores {
			data.Stores = append(data.Stores, newStoreDataModel(s))
		}
		if d := want.Set(ctx, &data); d.HasError() {
			t.Fatal(d)
		}
		if !got.Equal(want.Raw) {
			diffs, _ := got.Diff(want.Raw)
			t.Errorf("filters %s: hand-built state differs from State.Set: %v", data.ID, diffs)
		}
	}
}

// The hand-built state of jwo_store_connectors is exactly what the
// framework's reflection makes of the model: a null last_test_id, a connector
// never updated, filters set and unset, and an empty list.
func TestStoreConnectorsStateMatchesTheModel(t *testing.T) {
	ctx := context.Background()
	var sresp datasource.SchemaResponse
	(&storeConnectorsDataSource{}).Schema(ctx, datasource.SchemaRequest{}, &sresp)
	created := time.Date(2026, 11, 3, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	conns := []jwo.Connector{
		{StoreID: "acme-sea-01", Method: jwo.MethodOrdering, EndpointURL: "https://abcde12345.execute-api.us-east-1.amazonaws.com/prod",
			EndpointType: jwo.EndpointPublic, ConnectivityStatus: jwo.ConnectivitySuccessful, LastTestID: "t-1", Version: 3,
			CreatedAt: created, UpdatedAt: created.Add(time.Hour), UpdatedBy: "ci"},
		{StoreID: "acme-sea-02", Method: jwo.MethodIdentity, EndpointURL: "https://abcde12345-vpce-0123456789abcdef0.execute-api.us-east-1.amazonaws.com/v1",
			EndpointType: jwo.EndpointPrivate, ConnectivityStatus: jwo.ConnectivityUntested, Version: 1, CreatedAt: created},
	}
	for _, tc := range []struct {
		data  storeConnectorsDataSourceModel
		conns []jwo.Connector
	}{
		{storeConnectorsDataSourceModel{ID: types.StringValue("all"), connectorFilterModel: connectorFilterModel{
			StoreID: types.StringNull(), Method: types.StringNull(), StoreType: types.StringNull(), ConnectivityStatus: types.StringNull(),
		}}, conns},
		{storeConnectorsDataSourceModel{ID: types.StringValue("store_id=acme-sea-09&method=LOYALTY"), connectorFilterModel: connectorFilterModel{
			StoreID: types.StringValue("acme-sea-09"), Method: types.StringValue("LOYALTY"), StoreType: types.StringNull(),
			ConnectivityStatus: types.StringValue("UNTESTED"),
		}}, nil},
	} {
		typ := sresp.Schema.Type().TerraformType(ctx)
		got, err := storeConnectorsState(ctx, typ, tc.data, tc.conns)
		if err != nil {
			t.Fatal(err)
		}
		want := tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, nil)}
		data := tc.data
		data.Connectors = []listedConnectorDataModel{}
		for _, c := range tc.conns {
			data.Connectors = append(data.Connectors, listedConnectorDataModel{
				ID: types.StringValue(connectorID(c.StoreID, c.Method)), connectorDataModel: newConnectorDataModel(c),
			})
		}
		if d := want.Set(ctx, &data); d.HasError() {
			t.Fatal(d)
		}
		if !got.Equal(want.Raw) {
			diffs, _ := got.Diff(want.Raw)
			t.Errorf("filters %s: hand-built state differs from State.Set: %v", data.ID, diffs)
		}
	}
}
