package provider

import (
	"errors"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
)

// apiDetail is the portal's own explanation of a failed call (the problem
// document's detail), which is written for people; the whole error otherwise.
func apiDetail(err error) string {
	if ee, ok := errors.AsType[*client.ExchangeError](err); ok {
		return exchangeDetail(ee)
	}
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && apiErr.Problem.Detail != "" {
		return apiErr.Problem.Detail
	}
	return err.Error()
}

// addFieldErrors reports the field errors of a 422 answer on the attributes
// they name, so that Terraform points at the offending line. Fields the
// schema does not have are reported on the resource as a whole.
func addFieldErrors(diags *diag.Diagnostics, summary string, err error, attributes ...string) {
	fes := client.FieldErrors(err)
	if len(fes) == 0 {
		diags.AddError(summary, apiDetail(err))
		return
	}
	for _, fe := range fes {
		if slices.Contains(attributes, fe.Field) {
			diags.AddAttributeError(path.Root(fe.Field), summary, fe.Message)
		} else {
			diags.AddError(summary, fe.Field+": "+fe.Message)
		}
	}
}

// exchangeDetail says that the OpenID Connect token was refused, and the
// portal's reason, verbatim: it names the issuer, audience and subject to
// put in a trust policy.
func exchangeDetail(ee *client.ExchangeError) string {
	return "The portal refused to exchange the OpenID Connect token (" + ee.Code + "): " + ee.Description
}

// forbiddenDetail is the fix for a 403 on a write.
const forbiddenDetail = "The token's role may not change connectors or run tests: use an operator or admin token " +
	"(a viewer token can only read). A token exchanged from an OpenID Connect token has the role of the trust policy " +
	"its issuer, audience and subject matched: a plan on a pull request is typically viewer, an apply from main operator."

// addAPIError explains any failed call; 401 gets its own fix.
func addAPIError(diags *diag.Diagnostics, summary string, err error) {
	if client.IsUnauthorized(err) {
		diags.AddError(summary, "The portal does not accept the token (401): check the provider's token or the "+
			envToken+" environment variable; the token may have been revoked (a token exchanged from an OpenID Connect "+
			"token is revoked with the trust policy that issued it).")
		return
	}
	diags.AddError(summary, apiDetail(err))
}
