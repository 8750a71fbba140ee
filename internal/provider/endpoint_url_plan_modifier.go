package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// keepEquivalentEndpointURL plans the prior value when the configuration
// spells the same endpoint differently (a trailing slash, the host's case).
// The custom type's semantic equality covers refresh and apply, but not a
// configuration respelled by hand; without this, such an edit would plan a
// pointless update. Terraform accepts a planned value that differs from the
// configuration when it is the unchanged prior value.
type keepEquivalentEndpointURL struct{}

var _ planmodifier.String = keepEquivalentEndpointURL{}

func (keepEquivalentEndpointURL) Description(context.Context) string {
	return "a different spelling of the same endpoint URL is no change"
}

func (m keepEquivalentEndpointURL) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepEquivalentEndpointURL) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !known(req.StateValue) || !known(req.ConfigValue) || req.StateValue.Equal(req.ConfigValue) {
		return
	}
	if jwo.EquivalentEndpointURLs(req.StateValue.ValueString(), req.ConfigValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}
