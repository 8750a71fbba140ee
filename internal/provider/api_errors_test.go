package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// Every refusal of a connector write becomes a diagnostic on the attribute at
// fault, with the portal's explanation or the fix. The acceptance tests reach
// 403, 404 (at plan), 412 and 422; 409 is caught at plan time there, so its
// apply-time wording is pinned here.
func TestAddWriteError(t *testing.T) {
	apiErr := func(status int, detail string, fields ...jwo.FieldError) error {
		return fmt.Errorf("put: %w", &client.APIError{Method: "PUT", Path: "/v1/stores/s1/connectors/ordering", StatusCode: status,
			Problem: jwo.Problem{Status: status, Detail: detail, Errors: fields}})
	}
	cases := []struct {
		name     string
		err      error
		wantPath []path.Path // nil entry: an error on the resource as a whole
		wantText string
	}{
		{"forbidden", apiErr(403, "role viewer"), []path.Path{{}}, "use an operator or admin token"},
		{"unauthorized", apiErr(401, ""), []path.Path{{}}, "does not accept the token (401)"},
		{"store not found", apiErr(404, "no such store"), []path.Path{path.Root("store_id")}, `Store "s1" does not exist for this token's merchant`},
		{"not applicable", apiErr(409, `method ORDERING does not apply to store "s1": its applicable methods are "IDENTITY"`),
			[]path.Path{path.Root("method")}, `its applicable methods are "IDENTITY"`},
		{"field errors", apiErr(422, "invalid",
			jwo.FieldError{Field: "endpoint_url", Message: "uses http"},
			jwo.FieldError{Field: "endpoint_type", Message: "set PRIVATE"},
			jwo.FieldError{Field: "other", Message: "odd"}),
			[]path.Path{path.Root("endpoint_url"), path.Root("endpoint_type"), {}}, "uses http"},
		{"validation without fields", apiErr(422, "body rejected"), []path.Path{{}}, "body rejected"},
		{"server error", apiErr(500, "boom"), []path.Path{{}}, "boom"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var diags diag.Diagnostics
			addWriteError(&diags, "create", "s1", jwo.MethodOrdering, tc.err)
			if len(diags) != len(tc.wantPath) {
				t.Fatalf("got %d diagnostics, want %d: %v", len(diags), len(tc.wantPath), diags)
			}
			var all strings.Builder
			for i, d := range diags {
				got := path.Path{}
				if wp, ok := d.(diag.DiagnosticWithPath); ok {
					got = wp.Path()
				}
				if !got.Equal(tc.wantPath[i]) {
					t.Errorf("diagnostic %d is on %q, want %q", i, got, tc.wantPath[i])
				}
				if !strings.HasPrefix(d.Summary(), "Unable to create connector s1/ORDERING") {
					t.Errorf("summary %q does not say what failed", d.Summary())
				}
				all.WriteString(d.Detail())
			}
			if !strings.Contains(all.String(), tc.wantText) {
				t.Errorf("details %q lack %q", all.String(), tc.wantText)
			}
		})
	}
}
