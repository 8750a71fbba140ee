package provider

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"golang.org/x/oauth2"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
)

// Which credentials win, by what the environment holds; a conflict is
// reported on the argument to change, with both sources named; the
// secrets known before any exchange (a static token, an explicit JWT, the
// CI's request token) are masked from Configure's first log line. Not
// parallel: it sets process environment variables.
func TestResolveCredentials(t *testing.T) {
	for _, env := range []string{envToken, envOIDCToken, envOIDCTokenFile, envOIDCAudience, envGitHubRequestURL, envGitHubRequestToken, envHCPToken} {
		t.Setenv(env, "")
	}
	jwtFile := filepath.Join(t.TempDir(), "jwt")
	if err := os.WriteFile(jwtFile, []byte("f.i.le\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	null := jwoProviderModel{Token: types.StringNull(), OIDCToken: types.StringNull(), OIDCTokenFile: types.StringNull(), OIDCAudience: types.StringNull()}
	cases := []struct {
		name    string
		cfg     func(*jwoProviderModel)
		env     map[string]string
		via     string
		token   string   // the static token chosen
		jwt     string   // what the subject gives, when it is checked
		secrets []string // known before any exchange
		problem string   // the error's text, and attr its attribute
		attr    string
	}{
		{"nothing", nil, nil, "", "", "", nil, "Missing JWO token", "token"},
		{"static token beats the CI's", nil, map[string]string{envToken: "jwo_x", envGitHubRequestURL: "http://127.0.0.1:1/t", envGitHubRequestToken: "r", envHCPToken: "h"},
			envToken, "jwo_x", "", []string{"jwo_x"}, "", ""},
		{"GitHub Actions before HCP Terraform", nil, map[string]string{envGitHubRequestURL: "http://127.0.0.1:1/t", envGitHubRequestToken: "r", envHCPToken: "h"},
			"GitHub Actions", "", "", []string{"r"}, "", ""},
		{"GitHub Actions needs its URL", nil, map[string]string{envGitHubRequestURL: "http://127.0.0.1:1/t", envHCPToken: "h"},
			"HCP Terraform (" + envHCPToken + ")", "", "", []string{"h"}, "", ""},
		{"GitHub Actions needs its request token", nil, map[string]string{envGitHubRequestToken: "r", envHCPToken: "h"},
			"HCP Terraform (" + envHCPToken + ")", "", "", []string{"h"}, "", ""},
		{"explicit OIDC beats the CI's", nil, map[string]string{envOIDCTokenFile: jwtFile, envHCPToken: "h"},
			envOIDCTokenFile, "", "f.i.le", nil, "", ""},
		{"attribute beats its variable", func(m *jwoProviderModel) { m.OIDCToken = types.StringValue("a.b.c") }, map[string]string{envOIDCToken: "d.e.f"},
			"oidc_token", "", "a.b.c", []string{"a.b.c"}, "", ""},
		{"attribute token and variable JWT", func(m *jwoProviderModel) { m.Token = types.StringValue("jwo_x") }, map[string]string{envOIDCToken: "a.b.c"},
			"", "", "", nil, "Both a static API token (token) and an OpenID Connect token (JWO_OIDC_TOKEN) are set", "oidc_token"},
		{"attribute token and variable file", func(m *jwoProviderModel) { m.Token = types.StringValue("jwo_x") }, map[string]string{envOIDCTokenFile: jwtFile},
			"", "", "", nil, "Both a static API token (token) and an OpenID Connect token (JWO_OIDC_TOKEN_FILE) are set", "oidc_token_file"},
		{"variable token and attribute file", func(m *jwoProviderModel) { m.OIDCTokenFile = types.StringValue(jwtFile) }, map[string]string{envToken: "jwo_x"},
			"", "", "", nil, "Both a static API token (JWO_TOKEN) and an OpenID Connect token (oidc_token_file) are set", "oidc_token_file"},
		{"a JWT and a file", func(m *jwoProviderModel) { m.OIDCToken = types.StringValue("a.b.c") }, map[string]string{envOIDCTokenFile: jwtFile},
			"", "", "", nil, "Both oidc_token and JWO_OIDC_TOKEN_FILE are set", "oidc_token_file"},
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
				if len(diags) != 1 || !strings.Contains(diags[0].Detail()+diags[0].Summary(), tc.problem) {
					t.Fatalf("diagnostics %v; want one saying %q", diags, tc.problem)
				}
				if wp, ok := diags[0].(diag.DiagnosticWithPath); !ok || wp.Path().String() != tc.attr {
					t.Fatalf("diagnostic %v not on %s", diags[0], tc.attr)
				}
				return
			}
			if diags.HasError() || got.via != tc.via || got.token != tc.token {
				t.Fatalf("credentials via %q, token %q (%v); want %q, %q", got.via, got.token, diags, tc.via, tc.token)
			}
			if (tc.token == "") != (got.subject != nil) {
				t.Fatalf("token %q and subject %v: want exactly one", got.token, got.subject != nil)
			}
			if secrets := got.secrets.all(); !slices.Equal(secrets, tc.secrets) {
				t.Fatalf("secrets known before any exchange %q, want %q", secrets, tc.secrets)
			}
			if tc.jwt != "" {
				if jwt, err := got.subject(context.Background()); err != nil || jwt != tc.jwt {
					t.Fatalf("the subject gives %q, %v; want %q", jwt, err, tc.jwt)
				}
			}
		})
	}
}

// In GitHub Actions the provider asks for a token for oidc_audience, else
// JWO_OIDC_AUDIENCE, else the endpoint without its trailing slash; the JWT
// it gets joins the secrets. Not parallel: it sets the environment.
func TestResolveCredentialsGitHubAudience(t *testing.T) {
	for _, env := range []string{envToken, envOIDCToken, envOIDCTokenFile, envOIDCAudience, envHCPToken} {
		t.Setenv(env, "")
	}
	const reqToken, jwt = "ghs_request-SECRET", "eyJ.github.JWT"
	var mu sync.Mutex
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+reqToken {
			http.Error(w, "bad credentials", http.StatusUnauthorized)
			return
		}
		mu.Lock()
		asked = append(asked, r.URL.Query().Get("audience"))
		mu.Unlock()
		_, _ = w.Write([]byte(`{"value":"` + jwt + `"}`))
	}))
	t.Cleanup(srv.Close)
	t.Setenv(envGitHubRequestURL, srv.URL+"/token?api-version=2.0")
	t.Setenv(envGitHubRequestToken, reqToken)

	for _, tc := range []struct {
		name, attr, env, want string
	}{
		{"the endpoint by default", "", "", "https://portal.example.com"},
		{"the variable", "", "env-aud", "env-aud"},
		{"the argument before the variable", "attr-aud", "env-aud", "attr-aud"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(envOIDCAudience, tc.env)
			cfg := jwoProviderModel{Token: types.StringNull(), OIDCToken: types.StringNull(), OIDCTokenFile: types.StringNull(), OIDCAudience: types.StringNull()}
			if tc.attr != "" {
				cfg.OIDCAudience = types.StringValue(tc.attr)
			}
			var diags diag.Diagnostics
			creds := resolveCredentials(cfg, "https://portal.example.com/", &diags)
			if diags.HasError() || creds.via != "GitHub Actions" {
				t.Fatalf("credentials via %q: %v", creds.via, diags)
			}
			got, err := creds.subject(context.Background())
			if err != nil || got != jwt {
				t.Fatalf("the subject gives %q, %v", got, err)
			}
			mu.Lock()
			last := asked[len(asked)-1]
			mu.Unlock()
			if last != tc.want {
				t.Fatalf("GitHub was asked for audience %q, want %q", last, tc.want)
			}
			if secrets := creds.secrets.all(); !slices.Equal(secrets, []string{reqToken, jwt}) {
				t.Fatalf("secrets %q; want the request token and the JWT", secrets)
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

// HCP Terraform's token is read as the portal would: a value of white
// space is empty, one that is no JWT says so, and a trailing new line is
// no part of it. Not parallel: it sets the environment.
func TestResolveCredentialsHCPToken(t *testing.T) {
	for _, env := range []string{envToken, envOIDCToken, envOIDCTokenFile, envOIDCAudience, envGitHubRequestURL, envGitHubRequestToken} {
		t.Setenv(env, "")
	}
	null := jwoProviderModel{Token: types.StringNull(), OIDCToken: types.StringNull(), OIDCTokenFile: types.StringNull(), OIDCAudience: types.StringNull()}
	forPortal := unsignedJWT(t, map[string]any{"aud": "https://portal.example.com"}) + "\n"
	for _, tc := range []struct{ name, value, says string }{
		{"white space", " \n", "the OpenID Connect token is empty"},
		{"no JWT", "not-a-jwt", envHCPToken + " is not a JWT"},
		{"a new line after the JWT", forPortal, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(envHCPToken, tc.value)
			var diags diag.Diagnostics
			creds := resolveCredentials(null, "https://portal.example.com/", &diags)
			if diags.HasError() || creds.subject == nil {
				t.Fatalf("credentials: %v", diags)
			}
			got, err := creds.subject(context.Background())
			if tc.says == "" {
				if err != nil || strings.TrimSpace(got) != strings.TrimSpace(tc.value) {
					t.Fatalf("the JWT was not handed on: %v", err)
				}
				return
			}
			if err == nil || got != "" || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("handed on %q, error %v; want it kept back with %q", got, err, tc.says)
			}
		})
	}
}
