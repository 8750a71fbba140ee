package provider

import (
	"context"
	"testing"

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
