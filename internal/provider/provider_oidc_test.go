package provider

// Workload identity end to end: the terraform binary runs the provider
// built from this module with only an OpenID Connect token (no JWO_TOKEN),
// against the real portal and a real issuer on loopback, whose acme trusts
// pull requests of acme/infra to plan (viewer) and main to apply
// (operator).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

const (
	oidcSubjectPR   = "repo:acme/infra:pull_request"
	oidcSubjectMain = "repo:acme/infra:ref:refs/heads/main"
)

// accessTokenPattern matches a token of the portal: the exchanged ones are
// never given to terraform, so none may appear in what it prints.
var accessTokenPattern = regexp.MustCompile(`jwo_[A-Za-z0-9_-]{40,}`)

type oidcCLITest struct {
	tp      *testPortal
	plugins string
	iss     *portaltest.Issuer
}

// newOIDCCLITest is newCLITest with an issuer and acme's two policies for
// the audience the provider asks GitHub Actions for by default: the
// portal's URL.
func newOIDCCLITest(t *testing.T, opts ...testPortalOption) *oidcCLITest {
	t.Helper()
	tp, plugins := newCLITest(t, opts...)
	o := &oidcCLITest{tp: tp, plugins: plugins, iss: portaltest.StartIssuer(t)}
	o.policy(t, "pr-plan", oidcSubjectPR, jwo.RoleViewer)
	o.policy(t, "main-apply", oidcSubjectMain, jwo.RoleOperator)
	return o
}

func (o *oidcCLITest) policy(t *testing.T, name, subject string, role jwo.Role) {
	t.Helper()
	_, err := o.tp.Portal.Portal.Service().AddTrustPolicy(t.Context(), accMerchant, jwo.TrustPolicySpec{
		Name: name, Issuer: o.iss.URL, Audience: o.tp.URL, Subject: subject, Role: role, MaxTTL: 600})
	if err != nil {
		t.Fatal(err)
	}
}

// jwt is a GitHub Actions-like token of subject for the portal.
func (o *oidcCLITest) jwt(subject string) string {
	return o.iss.Sign(jose.RS256, o.iss.Claims(o.tp.URL, subject))
}

// exchanges counts acme's token.exchange audit events: the portal's own
// count of exchanges.
func (o *oidcCLITest) exchanges(t *testing.T) int {
	t.Helper()
	return o.tp.AuditCount(jwo.ActionTokenExchange)
}

// workspace has a provider block with the endpoint and extra (no token)
// and three connectors, so that an exchange per resource would show.
func (o *oidcCLITest) workspace(t *testing.T, extra string) *cliWorkspace {
	t.Helper()
	return newCLIWorkspace(t, o.plugins, o.config(extra, urlPublicA))
}

func (o *oidcCLITest) config(extra, url string) string {
	return fmt.Sprintf(`
provider "jwo" {
  endpoint    = %q
  max_retries = 2
%s
}
`, o.tp.URL, extra) +
		connectorHCL("ordering", accStoreJWO, "ORDERING", url, "PUBLIC") +
		connectorHCL("identity", accStoreJWO, "IDENTITY", url, "PUBLIC") +
		connectorHCL("cart", accStoreDashCart, "ORDERING", url, "PUBLIC")
}

// run runs terraform and fails the test unless it exits with want.
func runTF(t *testing.T, w *cliWorkspace, env []string, want int, args ...string) string {
	t.Helper()
	out, code := w.run(env, append(args, "-input=false", "-no-color")...)
	if code != want {
		t.Fatalf("terraform %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, tail(out, 4000))
	}
	return out
}

// With only JWO_OIDC_TOKEN set (and TF_LOG=TRACE), main's token applies
// three connectors and plans them again with one exchange per terraform
// walk; the connectors' updated_by names the trust policy and subject;
// neither the JWT nor an access token appears in the log. A pull
// request's token then plans a change, and its apply is refused with 403
// and what to do. On both engines of the portal.
func TestAccOIDC_planAndApplyWithOnlyAnOIDCToken(t *testing.T) {
	for _, engine := range portaltest.Engines {
		t.Run(engine.Name, func(t *testing.T) {
			o := newOIDCCLITest(t, portaltest.WithEngine(engine))
			testPlanAndApplyWithOnlyAnOIDCToken(t, o)
		})
	}
}

func testPlanAndApplyWithOnlyAnOIDCToken(t *testing.T, o *oidcCLITest) {
	w := o.workspace(t, "")
	mainJWT := o.jwt(oidcSubjectMain)
	env := []string{"TF_LOG=TRACE", "JWO_OIDC_TOKEN=" + mainJWT}

	out := runTF(t, w, env, 0, "apply", "-auto-approve")
	applied := o.exchanges(t)
	out += runTF(t, w, env, 0, "plan", "-detailed-exitcode")
	planned := o.exchanges(t) - applied
	t.Logf("exchanges: apply %d, plan %d (three resources)", applied, planned)
	if applied < 1 || applied > 2 || planned != 1 {
		t.Fatalf("exchanges: %d for an apply (its plan and apply walks), %d for a plan; want at most one per walk, not one per resource",
			applied, planned)
	}
	if strings.Contains(out, mainJWT) {
		t.Error("terraform's TRACE log holds the JWT")
	}
	if tok := accessTokenPattern.FindString(out); tok != "" {
		t.Errorf("terraform's TRACE log holds an access token (%.8s...)", tok)
	}
	for _, want := range []string{"JWO API request", `header_authorization="Bearer <redacted>"`, "/v1/oauth/token", `credentials=JWO_OIDC_TOKEN`} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q, so the check proves nothing", want)
		}
	}
	conn, err := o.tp.Admin.GetConnector(t.Context(), accStoreJWO, jwo.MethodOrdering)
	if err != nil {
		t.Fatal(err)
	}
	if want := "trust:main-apply (" + oidcSubjectMain + ")"; conn.UpdatedBy != want {
		t.Errorf("updated_by %q, want %q", conn.UpdatedBy, want)
	}

	// A pull request: the plan reads (and shows the change), the apply is refused.
	w.writeConfig(o.config("", urlPublicBPlain))
	prEnv := []string{"JWO_OIDC_TOKEN=" + o.jwt(oidcSubjectPR)}
	before := o.exchanges(t)
	out = runTF(t, w, prEnv, 2, "plan", "-detailed-exitcode")
	if !strings.Contains(out, "3 to change") || o.exchanges(t) != before+1 {
		t.Fatalf("the pull request's plan: %d exchanges\n%s", o.exchanges(t)-before, tail(out, 3000))
	}
	out = runTF(t, w, prEnv, 1, "apply", "-auto-approve")
	if flat := flattenDiagnostics(out); !strings.Contains(flat, "The token's role may not change connectors") ||
		!strings.Contains(flat, "a plan on a pull request is typically viewer") {
		t.Fatalf("the pull request's apply:\n%s", tail(out, 3000))
	}
	if conn, _ := o.tp.Admin.GetConnector(t.Context(), accStoreJWO, jwo.MethodOrdering); conn.EndpointURL != urlPublicA {
		t.Fatalf("the pull request's apply changed the connector to %s", conn.EndpointURL)
	}
}

// oidc_token_file is read, and the provider block's OIDC arguments work
// as the variables do.
func TestAccOIDC_tokenFile(t *testing.T) {
	o := newOIDCCLITest(t)
	file := filepath.Join(t.TempDir(), "jwt")
	if err := os.WriteFile(file, []byte(o.jwt(oidcSubjectMain)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w := o.workspace(t, fmt.Sprintf("  oidc_token_file = %q", file))
	runTF(t, w, nil, 0, "apply", "-auto-approve")
	runTF(t, w, nil, 0, "plan", "-detailed-exitcode")
	if err := os.WriteFile(file, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := runTF(t, w, nil, 1, "plan")
	if !strings.Contains(flattenDiagnostics(out), "the OpenID Connect token file "+file+" is empty") {
		t.Fatalf("an empty file:\n%s", tail(out, 3000))
	}
}

// githubTokenServer is GitHub Actions' token request endpoint on
// loopback: it answers {"value": JWT} to the request token, and records
// the audiences asked for.
type githubTokenServer struct {
	url, requestToken string
	mu                sync.Mutex
	audiences         []string
}

func newGitHubTokenServer(t *testing.T, jwt func(audience string) string) *githubTokenServer {
	t.Helper()
	g := &githubTokenServer{requestToken: "ghs_request-token-SECRET-0123456789"}
	srv := newLoopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+g.requestToken || r.URL.Query().Get("api-version") != "2.0" {
			http.Error(w, "bad credentials", http.StatusUnauthorized)
			return
		}
		aud := r.URL.Query().Get("audience")
		g.mu.Lock()
		g.audiences = append(g.audiences, aud)
		g.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]string{"value": jwt(aud)})
	}))
	g.url = srv.URL + "/token?api-version=2.0"
	return g
}

func (g *githubTokenServer) env() []string {
	return []string{"ACTIONS_ID_TOKEN_REQUEST_URL=" + g.url, "ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + g.requestToken}
}

func (g *githubTokenServer) asked() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.audiences...)
}

// In a GitHub Actions job with `id-token: write` and no credentials set,
// the provider asks GitHub for a token for the portal's URL (or
// oidc_audience) with the request token, once per terraform command. A
// token for an audience no policy names is refused with the portal's
// words, which name issuer, audience and subject.
func TestAccOIDC_gitHubActions(t *testing.T) {
	o := newOIDCCLITest(t)
	g := newGitHubTokenServer(t, func(aud string) string {
		return o.iss.Sign(jose.ES256, o.iss.Claims(aud, oidcSubjectMain))
	})
	w := o.workspace(t, "")
	runTF(t, w, g.env(), 0, "apply", "-auto-approve")
	runTF(t, w, g.env(), 0, "plan", "-detailed-exitcode")
	asked := g.asked()
	if len(asked) < 2 || len(asked) > 3 || asked[0] != o.tp.URL || len(asked) != o.exchanges(t) {
		t.Fatalf("GitHub was asked for %q, %d exchanges; want the portal's URL %s, once per walk", asked, o.exchanges(t), o.tp.URL)
	}

	out := runTF(t, w, append(g.env(), "JWO_OIDC_AUDIENCE=other-portal"), 1, "plan")
	want := fmt.Sprintf(`The portal refused to exchange the OpenID Connect token (invalid_grant): no trust policy of any merchant matches issuer %q, audience "other-portal", subject %q`,
		o.iss.URL, oidcSubjectMain)
	if flat := flattenDiagnostics(out); !strings.Contains(flat, want) {
		t.Fatalf("the refusal does not reach the diagnostic: want %s\n%s", want, tail(out, 3000))
	}
	if got := g.asked(); got[len(got)-1] != "other-portal" {
		t.Fatalf("asked for %q, want other-portal last", got)
	}
}

// In HCP Terraform, TFC_WORKLOAD_IDENTITY_TOKEN is the token.
func TestAccOIDC_hcpTerraform(t *testing.T) {
	o := newOIDCCLITest(t)
	w := o.workspace(t, "")
	env := []string{envHCPToken + "=" + o.jwt(oidcSubjectMain)}
	runTF(t, w, env, 0, "apply", "-auto-approve")
	if o.exchanges(t) == 0 {
		t.Fatal("no exchange")
	}
}

// A static token and an OpenID Connect token set together, or two OpenID
// Connect tokens, are refused before any request, naming both.
func TestAccOIDC_conflicts(t *testing.T) {
	o := newOIDCCLITest(t)
	jwt := o.jwt(oidcSubjectMain)
	file := filepath.Join(t.TempDir(), "jwt")
	cases := []struct {
		name, extra string
		env         []string
		want        string
	}{
		{"JWO_TOKEN and JWO_OIDC_TOKEN", "", []string{"JWO_TOKEN=" + o.tp.OperatorToken, "JWO_OIDC_TOKEN=" + jwt},
			"Both a static API token (JWO_TOKEN) and an OpenID Connect token (JWO_OIDC_TOKEN) are set"},
		{"token and oidc_token_file", fmt.Sprintf("  token = %q\n  oidc_token_file = %q", o.tp.OperatorToken, file), nil,
			"Both a static API token (token) and an OpenID Connect token (oidc_token_file) are set"},
		{"oidc_token and JWO_OIDC_TOKEN_FILE", fmt.Sprintf("  oidc_token = %q", jwt), []string{"JWO_OIDC_TOKEN_FILE=" + file},
			"Both oidc_token and JWO_OIDC_TOKEN_FILE are set"},
	}
	for _, tc := range cases {
		w := o.workspace(t, tc.extra)
		out := runTF(t, w, tc.env, 1, "plan")
		if !strings.Contains(flattenDiagnostics(out), tc.want) {
			t.Errorf("%s: want %q\n%s", tc.name, tc.want, tail(out, 2000))
		}
	}
	if n := o.exchanges(t); n != 0 {
		t.Errorf("%d exchanges for refused configurations", n)
	}
	// A static token with GitHub Actions around is no conflict: the token
	// is what the user chose.
	g := newGitHubTokenServer(t, func(string) string { return jwt })
	w := o.workspace(t, "")
	runTF(t, w, append(g.env(), "JWO_TOKEN="+o.tp.OperatorToken), 0, "apply", "-auto-approve")
	if len(g.asked()) != 0 || o.exchanges(t) != 0 {
		t.Errorf("with JWO_TOKEN set, GitHub was asked %d times", len(g.asked()))
	}
}
