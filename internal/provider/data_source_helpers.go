package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// This file holds what the data sources share: the wording of read errors and
// small conversions. The models of the objects they show, and the
// descriptions of their attributes, are in attributes_*.go.

// checkDataSourceClient reports a read before the provider was configured.
func checkDataSourceClient(c *client.Client, diags *diag.Diagnostics) bool {
	if c == nil {
		diags.AddError("Provider not configured",
			"The jwo provider has no API client yet. Set endpoint and token in the provider block (or JWO_ENDPOINT and JWO_TOKEN).")
		return false
	}
	return true
}

// addReadError words a failed read: a 404 names what was not found, anything
// else carries the client's error (which holds the problem's detail).
func addReadError(diags *diag.Diagnostics, attr path.Path, what string, err error) {
	if client.IsNotFound(err) {
		diags.AddAttributeError(attr, what+" not found",
			fmt.Sprintf("The portal has no %s for this token's merchant (%s). Check the id, and that the token belongs to the store's merchant.", what, apiDetail(err)))
		return
	}
	addAPIError(diags, "Unable to read "+what, err)
}

// ---- small conversions and validators -------------------------------------

// enumStrings turns an enum slice into strings, never nil: an empty list in
// the state reads better than null.
func enumStrings[T ~string](vs []T) []string {
	if vs == nil {
		return []string{}
	}
	return jwo.Strings(vs)
}
