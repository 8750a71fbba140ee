package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// storesDataSource mirrors jwo_stores: JWOFLOOR_STORES made-up stores with
// the same attributes, built as jwo_stores builds its state, and no request.
// It is what Terraform and the framework cost to carry a list that long.
type storesDataSource struct{}

func (d *storesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_stores"
}

func (d *storesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func() schema.StringAttribute { return schema.StringAttribute{Computed: true} }
	list := func() schema.ListAttribute {
		return schema.ListAttribute{Computed: true, ElementType: types.StringType}
	}
	boolean := func() schema.BoolAttribute { return schema.BoolAttribute{Computed: true} }
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":                str(),
		"store_type":        schema.StringAttribute{Optional: true},
		"completion_status": schema.StringAttribute{Optional: true},
		"method":            schema.StringAttribute{Optional: true},
		"stores": schema.ListNestedAttribute{Computed: true, NestedObject: schema.NestedAttributeObject{
			Attributes: map[string]schema.Attribute{
				"id": str(), "name": str(), "store_type": str(), "region": str(), "entry_methods": list(),
				"fraud_and_abuse_strategy": str(), "order_delegation": boolean(), "loyalty_program": boolean(),
				"required_methods": list(), "completion_status": str(), "missing_methods": list(),
			},
		}},
	}}
}

func (d *storesDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	n, _ := strconv.Atoi(os.Getenv("JWOFLOOR_STORES"))
	obj := resp.State.Schema.Type().TerraformType(ctx).(tftypes.Object)
	listT := obj.AttributeTypes["stores"].(tftypes.List)
	elemT := listT.ElementType.(tftypes.Object)
	str := func(v string) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
	strs := func(vs ...string) tftypes.Value {
		out := make([]tftypes.Value, len(vs))
		for i, v := range vs {
			out[i] = str(v)
		}
		return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, out)
	}
	elems := make([]tftypes.Value, 0, n)
	for i := 1; i <= n; i++ {
		elems = append(elems, tftypes.NewValue(elemT, map[string]tftypes.Value{
			"id": str(fmt.Sprintf("scale-%05d", i)), "name": str(fmt.Sprintf("Bench scale-%05d", i)), "store_type": str("JWO"),
			"region": str("us-east-1"), "entry_methods": strs("APP_QR", "CREDIT_CARD"), "fraud_and_abuse_strategy": str("CUSTOMER_MANAGED"),
			"order_delegation": tftypes.NewValue(tftypes.Bool, true), "loyalty_program": tftypes.NewValue(tftypes.Bool, true),
			"required_methods": strs("IDENTITY", "FRAUD_AND_ABUSE", "ORDERING", "LOYALTY"), "completion_status": str("COMPLETE"),
			"missing_methods": strs(),
		}))
	}
	null := tftypes.NewValue(tftypes.String, nil)
	resp.State.Raw = tftypes.NewValue(obj, map[string]tftypes.Value{
		"id": str("all"), "store_type": null, "completion_status": null, "method": null,
		"stores": tftypes.NewValue(listT, elems),
	})
}
