package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// storesState builds the state of jwo_stores as a Terraform value directly.
// The framework's State.Set reflects over the model and compiles a regular
// expression per field of every store, which dominated large lists
// (PERFORMANCE.md, optimisation 5). A test checks that both give the same
// value, so the schema and this stay in step.
func storesState(ctx context.Context, typ tftypes.Type, data storesDataSourceModel, stores []jwo.Store) (tftypes.Value, error) {
	obj, ok := typ.(tftypes.Object)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("jwo_stores state type is %s, not an object", typ)
	}
	list, ok := obj.AttributeTypes["stores"].(tftypes.List)
	if !ok {
		return tftypes.Value{}, errors.New("jwo_stores has no list attribute stores")
	}
	elem, ok := list.ElementType.(tftypes.Object)
	if !ok {
		return tftypes.Value{}, errors.New("jwo_stores.stores is not a list of objects")
	}
	elems := make([]tftypes.Value, 0, len(stores))
	for i, s := range stores {
		attrs := storeTerraformValues(s)
		if i == 0 {
			// Every store has the same attributes: one check turns a schema
			// that moved on into an error instead of a panic of NewValue.
			if err := tftypes.ValidateValue(elem, attrs); err != nil {
				return tftypes.Value{}, fmt.Errorf("jwo_stores.stores element: %w", err)
			}
		}
		elems = append(elems, tftypes.NewValue(elem, attrs))
	}
	top := map[string]tftypes.Value{"stores": tftypes.NewValue(list, elems)}
	for name, v := range map[string]types.String{
		"id": data.ID, "store_type": data.StoreType, "completion_status": data.CompletionStatus, "method": data.Method,
	} {
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			return tftypes.Value{}, err
		}
		top[name] = tv
	}
	if err := tftypes.ValidateValue(obj, top); err != nil {
		return tftypes.Value{}, fmt.Errorf("jwo_stores: %w", err)
	}
	return tftypes.NewValue(obj, top), nil
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
