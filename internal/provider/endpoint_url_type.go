package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// endpointURLType is a string whose values are compared the way the portal
// decides whether a save changes a connector (jwo.Connector.ChangedBy, which
// calls jwo.EquivalentEndpointURLs): a trailing slash or a different host
// case is the same endpoint, so the provider never plans an update that the
// portal would not count as a change. With semantic equality the
// framework keeps the user's spelling in the plan and in state, so such a
// difference is never a diff and never an "inconsistent result after apply".
type endpointURLType struct {
	basetypes.StringType
}

var (
	_ basetypes.StringTypable                    = endpointURLType{}
	_ basetypes.StringValuableWithSemanticEquals = endpointURLValue{}
)

func (t endpointURLType) String() string { return "endpointURLType" }

func (t endpointURLType) Equal(o attr.Type) bool {
	_, ok := o.(endpointURLType)
	return ok
}

func (t endpointURLType) ValueType(context.Context) attr.Value { return endpointURLValue{} }

func (t endpointURLType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return endpointURLValue{StringValue: in}, nil
}

func (t endpointURLType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return endpointURLValue{StringValue: s}, nil
}

// endpointURLValue is a value of endpointURLType.
type endpointURLValue struct {
	basetypes.StringValue
}

func newEndpointURLValue(s string) endpointURLValue {
	return endpointURLValue{StringValue: basetypes.NewStringValue(s)}
}

func (v endpointURLValue) Type(context.Context) attr.Type { return endpointURLType{} }

func (v endpointURLValue) Equal(o attr.Value) bool {
	other, ok := o.(endpointURLValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals is called by the framework with known values only.
func (v endpointURLValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	other, ok := newValuable.(endpointURLValue)
	if !ok {
		diags.AddError("Semantic equality check error",
			fmt.Sprintf("Expected an endpoint URL value, got %T. This is a bug in the provider; please report it.", newValuable))
		return false, diags
	}
	return jwo.EquivalentEndpointURLs(v.ValueString(), other.ValueString()), diags
}
