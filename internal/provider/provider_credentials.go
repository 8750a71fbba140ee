package provider

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/oauth2"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// Environment variables of workload identity: the provider's own, which
// stand in for its oidc_* arguments, and those GitHub Actions and HCP
// Terraform set in a run that may ask for an OpenID Connect token.
const (
	envOIDCToken     = "JWO_OIDC_TOKEN"
	envOIDCTokenFile = "JWO_OIDC_TOKEN_FILE"
	envOIDCAudience  = "JWO_OIDC_AUDIENCE"

	envGitHubRequestURL   = "ACTIONS_ID_TOKEN_REQUEST_URL"
	envGitHubRequestToken = "ACTIONS_ID_TOKEN_REQUEST_TOKEN"
	envHCPToken           = "TFC_WORKLOAD_IDENTITY_TOKEN"
)

// credentials are how the provider authenticates: a static token, or an
// OpenID Connect JWT that the client exchanges for a short-lived token.
type credentials struct {
	token   string              // a static API token, or ""
	subject client.SubjectToken // the JWT's source, when token is ""
	via     string              // where they came from, for the log: "JWO_TOKEN", "GitHub Actions", ...
	secrets *secrets            // everything never to log, known now or later
}

// setting is one provider argument with its environment variable, and
// which of the two gave the value.
type setting struct {
	value, from string
}

func settingOf(v types.String, attr, env string) setting {
	if !v.IsNull() {
		return setting{v.ValueString(), attr}
	}
	return setting{os.Getenv(env), env}
}

// resolveCredentials chooses the credentials. A static token or an explicit
// OpenID Connect token (argument or JWO_OIDC_* variable) are what the user
// set, and both at once is an error; only without either does the provider
// look for a CI that issues tokens: GitHub Actions, then HCP Terraform.
func resolveCredentials(cfg jwoProviderModel, endpoint string, diags *diag.Diagnostics) credentials {
	token := settingOf(cfg.Token, "token", envToken)
	jwt := settingOf(cfg.OIDCToken, "oidc_token", envOIDCToken)
	file := settingOf(cfg.OIDCTokenFile, "oidc_token_file", envOIDCTokenFile)

	if jwt.value != "" && file.value != "" {
		diags.AddAttributeError(path.Root("oidc_token_file"), "Conflicting JWO OpenID Connect tokens",
			"Both "+jwt.from+" and "+file.from+" are set: the provider exchanges one OpenID Connect token. "+
				"Keep "+file.from+" when the CI writes the token to a file (it is read again at each renewal), or "+jwt.from+" otherwise.")
		return credentials{}
	}
	explicit := jwt
	if file.value != "" {
		explicit = file
	}
	if token.value != "" && explicit.value != "" {
		diags.AddAttributeError(path.Root(attrOf(explicit.from)), "Conflicting JWO credentials",
			"Both a static API token ("+token.from+") and an OpenID Connect token ("+explicit.from+") are set: "+
				"the provider would not know which to act as. Unset "+token.from+" to act under the merchant's trust policies, "+
				"or "+explicit.from+" to use the static token.")
		return credentials{}
	}

	switch {
	case token.value != "":
		return credentials{token: token.value, via: token.from, secrets: newSecrets(token.value)}
	case jwt.value != "":
		return oidcCredentials(client.StaticJWT(jwt.value), jwt.from, jwt.value)
	case file.value != "":
		return oidcCredentials(client.JWTFile(file.value), file.from)
	}

	// The audience a CI's token is asked for (GitHub Actions) or must carry
	// (HCP Terraform).
	audience := settingOf(cfg.OIDCAudience, "oidc_audience", envOIDCAudience)
	if audience.value == "" {
		audience = setting{defaultAudience(endpoint), "the endpoint"}
	}
	if url, reqToken := os.Getenv(envGitHubRequestURL), os.Getenv(envGitHubRequestToken); url != "" && reqToken != "" {
		return oidcCredentials(client.GitHubActionsJWT(url, reqToken, audience.value, nil), "GitHub Actions", reqToken)
	}
	if hcp := os.Getenv(envHCPToken); hcp != "" {
		return oidcCredentials(forAudience(client.StaticJWT(hcp), audience), "HCP Terraform ("+envHCPToken+")", hcp)
	}

	diags.AddAttributeError(path.Root("token"), "Missing JWO token",
		"Set token in the provider block or, better, the "+envToken+" environment variable to a portal API token "+
			"(jwo-portal token create prints one); or, in CI, act under a trust policy of the merchant with an OpenID Connect token: "+
			envOIDCToken+" or "+envOIDCTokenFile+", or nothing at all in GitHub Actions with `permissions: id-token: write` "+
			"or in HCP Terraform with "+envHCPToken+" (see the workload identity guide).")
	return credentials{}
}

// attrOf is the argument a setting's source names ("JWO_OIDC_TOKEN" is
// oidc_token), for the diagnostic's attribute path.
func attrOf(from string) string {
	switch from {
	case envOIDCToken:
		return "oidc_token"
	case envOIDCTokenFile:
		return "oidc_token_file"
	}
	return from
}

// defaultAudience is the audience asked of GitHub Actions when
// oidc_audience is unset: the portal's own URL, so that a token asked for
// one portal is refused by every other one whose trust policies name
// their own URL.
func defaultAudience(endpoint string) string { return strings.TrimRight(endpoint, "/") }

// forAudience hands on HCP Terraform's JWT only when its aud holds the
// audience the provider expects. The workspace may have it minted for
// another service (TFC_WORKLOAD_IDENTITY_AUDIENCE): sent to the portal, it
// would be refused, but the portal, or anyone reading an http endpoint's
// traffic, would hold a token that service accepts.
func forAudience(subject client.SubjectToken, audience setting) client.SubjectToken {
	return func(ctx context.Context) (string, error) {
		jwt, err := subject(ctx)
		if err != nil {
			return "", err
		}
		auds, err := jwo.JWTAudiences(strings.TrimSpace(jwt))
		if err != nil {
			return "", fmt.Errorf("%s is not a JWT: %w", envHCPToken, err)
		}
		if !slices.Contains(auds, audience.value) {
			return "", fmt.Errorf("%s is a token for %q, not for this portal (%q, from %s), so it is not sent: set the workspace's "+
				"TFC_WORKLOAD_IDENTITY_AUDIENCE to %q, or oidc_audience (%s) to the audience the merchant's trust policies name",
				envHCPToken, auds, audience.value, audience.from, audience.value, envOIDCAudience)
		}
		return jwt, nil
	}
}

// oidcCredentials records every JWT subject gives as a secret; known are
// the secrets known now.
func oidcCredentials(subject client.SubjectToken, via string, known ...string) credentials {
	sec := newSecrets(known...)
	return credentials{via: via, secrets: sec, subject: func(ctx context.Context) (string, error) {
		jwt, err := subject(ctx)
		sec.add(strings.TrimSpace(jwt))
		return jwt, err
	}}
}

// tokenSource wraps the client's exchanging source so that each access
// token it hands out is also masked in the log.
func (c credentials) tokenSource(src oauth2.TokenSource) oauth2.TokenSource {
	return recordingSource{src: src, secrets: c.secrets}
}

type recordingSource struct {
	src     oauth2.TokenSource
	secrets *secrets
}

func (r recordingSource) Token() (*oauth2.Token, error) {
	tok, err := r.src.Token()
	if tok != nil {
		r.secrets.add(tok.AccessToken)
	}
	return tok, err
}

// secrets are the strings no log line may show: the static token, or the
// JWTs and access tokens of the exchanges, which appear during the run.
type secrets struct {
	mu   sync.Mutex
	list []string
}

func newSecrets(known ...string) *secrets {
	s := &secrets{}
	for _, k := range known {
		s.add(k)
	}
	return s
}

func (s *secrets) add(secret string) {
	if secret == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains(s.list, secret) {
		s.list = append(s.list, secret)
	}
}

func (s *secrets) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.list)
}

// maskToken hides the tokens in the messages and field values of every
// log line written with the returned context.
func maskToken(ctx context.Context, tokens ...string) context.Context {
	tokens = slices.DeleteFunc(slices.Clone(tokens), func(t string) bool { return t == "" })
	if len(tokens) == 0 {
		return ctx
	}
	ctx = tflog.MaskMessageStrings(ctx, tokens...)
	return tflog.MaskAllFieldValuesStrings(ctx, tokens...)
}
