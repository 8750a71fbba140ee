package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// listState builds the state of a data source that lists things (its
// arguments, and the list attribute listAttr with one element per thing) as
// a Terraform value directly. The framework's State.Set reflects over the
// model and compiles a regular expression per field of every element, which
// dominated large lists (PERFORMANCE.md, optimisation 5). Tests check that
// both give the same value, so the schemas and this stay in step.
func listState(ctx context.Context, typ tftypes.Type, listAttr string, args map[string]types.String,
	elems []map[string]tftypes.Value,
) (tftypes.Value, error) {
	obj, ok := typ.(tftypes.Object)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("the state type is %s, not an object", typ)
	}
	list, ok := obj.AttributeTypes[listAttr].(tftypes.List)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("the state has no list attribute %s", listAttr)
	}
	elem, ok := list.ElementType.(tftypes.Object)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("%s is not a list of objects", listAttr)
	}
	vals := make([]tftypes.Value, len(elems))
	for i, attrs := range elems {
		if i == 0 {
			// Every element has the same attributes: one check turns a
			// schema that moved on into an error instead of a panic of
			// NewValue.
			if err := tftypes.ValidateValue(elem, attrs); err != nil {
				return tftypes.Value{}, fmt.Errorf("%s element: %w", listAttr, err)
			}
		}
		vals[i] = tftypes.NewValue(elem, attrs)
	}
	top := map[string]tftypes.Value{listAttr: tftypes.NewValue(list, vals)}
	for name, v := range args {
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			return tftypes.Value{}, err
		}
		top[name] = tv
	}
	if err := tftypes.ValidateValue(obj, top); err != nil {
		return tftypes.Value{}, err
	}
	return tftypes.NewValue(obj, top), nil
}

// storesState is the state of jwo_stores.
func storesState(ctx context.Context, typ tftypes.Type, data storesDataSourceModel, stores []jwo.Store) (tftypes.Value, error) {
	elems := make([]map[string]tftypes.Value, len(stores))
	for i, s := range stores {
		elems[i] = storeTerraformValues(s)
	}
	return listState(ctx, typ, "stores", map[string]types.String{
		"id": data.ID, "store_type": data.StoreType, "completion_status": data.CompletionStatus, "method": data.Method,
	}, elems)
}

// storeConnectorsState is the state of jwo_store_connectors.
func storeConnectorsState(ctx context.Context, typ tftypes.Type, data storeConnectorsDataSourceModel, conns []jwo.Connector) (tftypes.Value, error) {
	elems := make([]map[string]tftypes.Value, len(conns))
	for i, c := range conns {
		// A listed connector is the resource's state (the import id
		// included) and when it was created.
		elems[i] = connectorTerraformValues(c)
		elems[i]["created_at"] = tfTime(c.CreatedAt)
	}
	return listState(ctx, typ, "connectors", map[string]types.String{
		"id": data.ID, "store_id": data.StoreID, "method": data.Method, "store_type": data.StoreType,
		"connectivity_status": data.ConnectivityStatus, "last_changed_via": data.LastChangedVia,
	}, elems)
}

// storeTerraformValues is newStoreDataModel as Terraform values.
func storeTerraformValues(s jwo.Store) map[string]tftypes.Value {
	str := func(v string) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
	return map[string]tftypes.Value{
		"id":                       str(s.ID),
		"name":                     str(s.Name),
		"store_type":               str(string(s.StoreType)),
		"region":                   str(s.Region),
		"entry_methods":            tfStringList(enumStrings(s.EntryMethods)),
		"fraud_and_abuse_strategy": str(string(s.FraudAndAbuseStrategy)),
		"order_delegation":         tftypes.NewValue(tftypes.Bool, s.OrderDelegation),
		"loyalty_program":          tftypes.NewValue(tftypes.Bool, s.LoyaltyProgram),
		"required_methods":         tfStringList(enumStrings(s.RequiredMethods)),
		"completion_status":        str(string(s.CompletionStatus)),
		"missing_methods":          tfStringList(enumStrings(s.MissingMethods)),
	}
}

func tfStringList(ss []string) tftypes.Value {
	vs := make([]tftypes.Value, len(ss))
	for i, s := range ss {
		vs[i] = tftypes.NewValue(tftypes.String, s)
	}
	return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, vs)
}

// tfTime is timeValue as a Terraform value.
func tfTime(t time.Time) tftypes.Value {
	if t.IsZero() {
		return tftypes.NewValue(tftypes.String, nil)
	}
	return tftypes.NewValue(tftypes.String, t.UTC().Format(time.RFC3339))
}
