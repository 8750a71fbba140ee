package provider

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// unsignedJWT is a JWT of these claims with a made-up signature: what the
// provider reads of it before sending is its aud, never its signature.
func unsignedJWT(t *testing.T, claims map[string]any) string {
	t.Helper()
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc(b) + "." + enc([]byte("SIGNATURE-not-checked-here"))
}

// HCP Terraform's TFC_WORKLOAD_IDENTITY_TOKEN may be minted for another
// service (the workspace's TFC_WORKLOAD_IDENTITY_AUDIENCE, say AWS's). The
// provider found it and sent it to the portal, which refused it, but the
// portal, or anyone reading an http endpoint's traffic, then held a token
// that other service accepts. It is now sent only when its aud holds the
// audience the provider expects (oidc_audience, or the endpoint), and the
// error says which variable to set. Not parallel: it sets the environment.
func TestHCPTokenForAnotherAudienceIsNotSent(t *testing.T) {
	for _, env := range []string{envToken, envOIDCToken, envOIDCTokenFile, envOIDCAudience, envGitHubRequestURL, envGitHubRequestToken, envHCPToken} {
		t.Setenv(env, "")
	}
	null := jwoProviderModel{Token: types.StringNull(), OIDCToken: types.StringNull(), OIDCTokenFile: types.StringNull(), OIDCAudience: types.StringNull()}
	withAudience := null
	withAudience.OIDCAudience = types.StringValue("jwo")
	for _, tc := range []struct {
		name string
		cfg  jwoProviderModel
		aud  any
		says string // "" when the JWT is handed on
	}{
		{"another service's token", null, "sts.amazonaws.com", "TFC_WORKLOAD_IDENTITY_AUDIENCE"},
		{"the portal among others", null, []string{"sts.amazonaws.com", "https://portal.example.com"}, ""},
		{"the endpoint", null, "https://portal.example.com", ""},
		{"oidc_audience names the policies' audience", withAudience, "jwo", ""},
		{"oidc_audience set, the token for the endpoint", withAudience, "https://portal.example.com", "oidc_audience"},
		{"no aud at all", null, nil, "TFC_WORKLOAD_IDENTITY_AUDIENCE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			claims := map[string]any{"iss": "https://app.terraform.io", "sub": "organization:acme:project:p:workspace:w:run_phase:plan"}
			if tc.aud != nil {
				claims["aud"] = tc.aud
			}
			jwt := unsignedJWT(t, claims)
			t.Setenv(envHCPToken, jwt)
			var diags diag.Diagnostics
			creds := resolveCredentials(tc.cfg, "https://portal.example.com/", &diags)
			if diags.HasError() || creds.subject == nil {
				t.Fatalf("credentials: %v", diags)
			}
			got, err := creds.subject(context.Background())
			if tc.says == "" {
				if err != nil || got != jwt {
					t.Fatalf("the JWT was not handed on: %v", err)
				}
				return
			}
			if err == nil || got != "" || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("handed on %d bytes, error %v; want it kept back with an error naming %s", len(got), err, tc.says)
			}
			if strings.Contains(err.Error(), jwt[strings.LastIndex(jwt, ".")+1:]) || strings.Contains(err.Error(), strings.Split(jwt, ".")[1]) {
				t.Fatalf("the error holds the JWT: %v", err)
			}
		})
	}
}

// The same with terraform and the real portal: after an apply with the
// workspace's token for the portal, a plan whose TFC_WORKLOAD_IDENTITY_TOKEN
// is AWS's fails with the provider's words (the portal's refusal before),
// naming the variable to set.
func TestAccOIDC_hcpTokenForAnotherAudienceIsNotSent(t *testing.T) {
	o := newOIDCCLITest(t)
	w := o.workspace(t, "")
	runTF(t, w, []string{envHCPToken + "=" + o.jwt(oidcSubjectMain)}, 0, "apply", "-auto-approve")
	aws := o.iss.Sign(jose.RS256, o.iss.Claims("sts.amazonaws.com", oidcSubjectMain))
	out := runTF(t, w, []string{envHCPToken + "=" + aws}, 1, "plan")
	flat := flattenDiagnostics(out)
	if !strings.Contains(flat, "not for this portal") || !strings.Contains(flat, "TFC_WORKLOAD_IDENTITY_AUDIENCE") ||
		strings.Contains(flat, "no trust policy") {
		t.Fatalf("want the provider's refusal naming TFC_WORKLOAD_IDENTITY_AUDIENCE, not the portal's:\n%s", tail(out, 3000))
	}
}
