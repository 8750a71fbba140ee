package provider

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"golang.org/x/oauth2"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
)

// Which credentials win, by what the environment holds. Not parallel: it
// sets process environment variables.
func TestResolveCredentials(t *testing.T) {
	for _, env := range []string{envToken, envOIDCToken, envOIDCTokenFile, envOIDCAudience, envGitHubRequestURL, envGitHubRequestToken, envHCPToken} {
		t.Setenv(env, "")
	}
	null := jwoProviderModel{Token: types.StringNull(), OIDCToken: types.StringNull(), OIDCTokenFile: types.StringNull(), OIDCAudience: types.StringNull()}
	cases := []struct {
		name    string
		cfg     func(*jwoProviderModel)
		env     map[string]string
		via     string
		problem string
	}{
		{"nothing", nil, nil, "", "Missing JWO token"},
		{"static token beats the CI's", nil, map[string]string{envToken: "jwo_x", envGitHubRequestURL: "http://127.0.0.1:1/t", envGitHubRequestToken: "r", envHCPToken: "h"}, envToken, ""},
		{"GitHub Actions before HCP Terraform", nil, map[string]string{envGitHubRequestURL: "http://127.0.0.1:1/t", envGitHubRequestToken: "r", envHCPToken: "h"}, "GitHub Actions", ""},
		{"GitHub Actions needs both variables", nil, map[string]string{envGitHubRequestURL: "http://127.0.0.1:1/t", envHCPToken: "h"}, "HCP Terraform (" + envHCPToken + ")", ""},
		{"explicit OIDC beats the CI's", nil, map[string]string{envOIDCTokenFile: "/run/jwt", envHCPToken: "h"}, envOIDCTokenFile, ""},
		{"attribute beats its variable", func(m *jwoProviderModel) { m.OIDCToken = types.StringValue("a.b.c") }, map[string]string{envOIDCToken: "d.e.f"}, "oidc_token", ""},
		{"attribute token and variable JWT", func(m *jwoProviderModel) { m.Token = types.StringValue("jwo_x") }, map[string]string{envOIDCToken: "a.b.c"}, "",
			"Both a static API token (token) and an OpenID Connect token (JWO_OIDC_TOKEN) are set"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cfg := null
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			var diags diag.Diagnostics
			got := resolveCredentials(cfg, "https://portal.example.com/", &diags)
			if tc.problem != "" {
				if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail()+diags.Errors()[0].Summary(), tc.problem) {
					t.Fatalf("diagnostics %v; want %q", diags, tc.problem)
				}
				return
			}
			if diags.HasError() || got.via != tc.via {
				t.Fatalf("credentials via %q (%v); want %q", got.via, diags, tc.via)
			}
		})
	}
}

// The JWTs and access tokens that appear during the run join the secrets
// that every request log line masks.
func TestOIDCSecretsAreMasked(t *testing.T) {
	const jwt, access, reqToken = "eyJ.JWT-payload.SIGNATURE-secret", "jwo_ACCESS-secret-token", "ghs_REQUEST-secret"
	creds := oidcCredentials(client.StaticJWT(jwt), "test", reqToken)
	if _, err := creds.subject(context.Background()); err != nil {
		t.Fatal(err)
	}
	src := creds.tokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: access}))
	if _, err := src.Token(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	requestLogger(creds.secrets)(ctx, client.RequestLog{
		Method: http.MethodPost, URL: "http://127.0.0.1:1/v1/oauth/token?x=" + jwt, Status: 400,
		Header: http.Header{"X-Echo": {access + " " + reqToken}},
	})
	out := buf.String()
	for _, secret := range []string{jwt, access, reqToken} {
		if strings.Contains(out, secret) {
			t.Errorf("%q is in the log:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "JWO API request") {
		t.Fatalf("no log line:\n%s", out)
	}
}
