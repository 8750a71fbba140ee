package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// stringRule turns a rule of internal/jwo (or any func(string) error) into a
// schema validator, so that a rule has one home and the provider only wires it.
type stringRule struct {
	summary     string
	description string
	check       func(string) error
}

var _ validator.String = stringRule{}

func (r stringRule) Description(context.Context) string         { return r.description }
func (r stringRule) MarkdownDescription(context.Context) string { return r.description }

func (r stringRule) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := r.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, r.summary, err.Error())
	}
}

// validStoreID applies the documented store id form.
func validStoreID() validator.String {
	return stringRule{
		summary:     "Invalid store id",
		description: "value must be 1 to 255 letters, digits, '_' or '-'",
		check:       jwo.ValidateStoreID,
	}
}

// validSKU applies the catalog's SKU form.
func validSKU() validator.String {
	return stringRule{
		summary:     "Invalid SKU",
		description: "value must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
		check:       jwo.ValidateSKU,
	}
}

// validEndpointURL applies the URL rules. Loopback http is admitted because
// only the portal knows whether it runs in development mode; a production
// portal refuses such a URL at apply with a 422 that names endpoint_url.
func validEndpointURL() validator.String {
	return stringRule{
		summary:     "Invalid endpoint URL",
		description: "value must be the https URL of an API Gateway stage or of a custom domain",
		check: func(s string) error {
			_, err := jwo.ParseEndpointURL(s, endpointPolicy)
			return err
		},
	}
}

// endpointPolicy is what the provider admits at plan time; see validEndpointURL.
var endpointPolicy = jwo.EndpointPolicy{AllowLoopbackHTTP: true}

// positiveDuration accepts a Go duration greater than zero.
func positiveDuration() validator.String {
	return stringRule{
		summary:     "Invalid duration",
		description: "value must be a positive duration such as \"30s\" or \"2m\"",
		check: func(s string) error {
			_, err := parsePositiveDuration(s)
			return err
		},
	}
}

// parsePositiveDuration is the rule of positiveDuration, for the code that
// then uses the value.
func parsePositiveDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration: use a number with a unit, such as \"30s\" or \"2m\"", s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q is not positive: use a duration such as \"30s\"", s)
	}
	return d, nil
}
