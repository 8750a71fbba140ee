package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

// The names RFC 8693 gives the token exchange.
const (
	grantTokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
	tokenTypeJWT       = "urn:ietf:params:oauth:token-type:jwt"
	tokenTypeIDToken   = "urn:ietf:params:oauth:token-type:id_token"
	tokenTypeAccess    = "urn:ietf:params:oauth:token-type:access_token"
)

// oauthToken is the answer of a successful exchange (RFC 8693 2.2.1).
type oauthToken struct {
	AccessToken     string `json:"access_token"`
	IssuedTokenType string `json:"issued_token_type"`
	TokenType       string `json:"token_type"`
	ExpiresIn       int    `json:"expires_in"`
}

// oauthError is RFC 6749 section 5.2's error answer, which OAuth clients
// (golang.org/x/oauth2 among them) read; the token endpoint answers it
// instead of a problem document.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// exchangeToken is POST /v1/oauth/token: an OpenID Connect JWT for a
// short-lived token under the merchants' trust policies.
func (a *API) exchangeToken(w http.ResponseWriter, r *http.Request) error {
	form, oerr := readTokenForm(r)
	if oerr != nil {
		return writeOAuthError(w, *oerr)
	}
	if !form.Has("grant_type") {
		// RFC 6749 5.2: a missing parameter is invalid_request, not an
		// unsupported grant type.
		return writeOAuthError(w, oauthError{portal.CodeInvalidRequest, "grant_type is missing: use " + grantTokenExchange})
	}
	if gt := form.Get("grant_type"); gt != grantTokenExchange {
		return writeOAuthError(w, oauthError{"unsupported_grant_type",
			"grant_type " + quoteOrMissing(gt) + " is not supported: use " + grantTokenExchange})
	}
	if tt := form.Get("subject_token_type"); tt != tokenTypeJWT && tt != tokenTypeIDToken {
		return writeOAuthError(w, oauthError{portal.CodeInvalidRequest,
			"subject_token_type " + quoteOrMissing(tt) + " is not supported: use " + tokenTypeJWT})
	}
	if oerr := notIssued(form); oerr != nil {
		return writeOAuthError(w, *oerr)
	}
	got, err := a.svc.ExchangeToken(r.Context(), form.Get("subject_token"))
	if e, ok := portal.AsError(err); ok && e.Code != "" {
		return writeOAuthError(w, oauthError{e.Code, e.Detail})
	}
	if err != nil {
		// A fault of the portal or its database: the problem document says
		// so with the right status, and the client's error shows it.
		return err
	}
	w.Header().Set("Pragma", "no-cache")
	return writeJSON(w, http.StatusOK, oauthToken{AccessToken: got.AccessToken, IssuedTokenType: tokenTypeAccess,
		TokenType: "Bearer", ExpiresIn: int(got.ExpiresIn.Seconds())})
}

// notIssued refuses RFC 8693's optional parameters that ask for another
// token than the one the portal issues: a token for another audience or
// resource, of a narrower scope, of another type, or on behalf of an actor.
// Ignoring them would hand a client that asked for less a token of the
// policy's whole role without its knowing. Parameters no RFC gives this
// endpoint are ignored, as RFC 6749 section 3.2 requires.
func notIssued(form url.Values) *oauthError {
	if form.Has("requested_token_type") && form.Get("requested_token_type") != tokenTypeAccess {
		return &oauthError{portal.CodeInvalidRequest, "requested_token_type " + quoteOrMissing(form.Get("requested_token_type")) +
			" is not issued: the portal issues " + tokenTypeAccess + " only; leave requested_token_type out"}
	}
	for _, name := range []string{"audience", "resource"} {
		if form.Has(name) {
			return &oauthError{codeInvalidTarget, name + " is not supported: the token is for this portal's API, " +
				"acting for the trust policy's merchant; leave " + name + " out"}
		}
	}
	if form.Has("scope") {
		return &oauthError{codeInvalidScope, "scope is not supported: the token's role is the trust policy's; " +
			"for less, ask an admin for a policy of a lower role; leave scope out"}
	}
	for _, name := range []string{"actor_token", "actor_token_type"} {
		if form.Has(name) {
			return &oauthError{portal.CodeInvalidRequest, name + " is not supported: the portal does not issue delegated tokens; leave " + name + " out"}
		}
	}
	return nil
}

// RFC 8693 section 2.2.2's and RFC 6749 section 5.2's codes for what the
// endpoint does not issue.
const (
	codeInvalidTarget = "invalid_target"
	codeInvalidScope  = "invalid_scope"
)

// readTokenForm reads the form body; RFC 6749 3.2 wants each parameter
// once, and a query string carries none of them (a JWT there would reach
// the logs of every proxy on the way).
func readTokenForm(r *http.Request) (url.Values, *oauthError) {
	if r.URL.RawQuery != "" || r.URL.ForceQuery {
		return nil, &oauthError{portal.CodeInvalidRequest, "parameters go in the body, not the query string"}
	}
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "application/x-www-form-urlencoded" {
		return nil, &oauthError{portal.CodeInvalidRequest, "the body must be application/x-www-form-urlencoded (RFC 8693)"}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &oauthError{portal.CodeInvalidRequest, "the body is larger than the portal accepts"}
		}
		return nil, &oauthError{portal.CodeInvalidRequest, "the body could not be read"}
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, &oauthError{portal.CodeInvalidRequest, "the body is not a valid form: " + err.Error()}
	}
	for name, vs := range form {
		if len(vs) > 1 {
			return nil, &oauthError{portal.CodeInvalidRequest, "parameter " + name + " is given more than once"}
		}
	}
	return form, nil
}

// quoteOrMissing is a parameter's value for an error_description: only a
// short value without two dots is shown, so that a JWT sent in the wrong
// parameter is never echoed into a client's error or a proxy's log.
func quoteOrMissing(s string) string {
	switch {
	case s == "":
		return "(missing)"
	case len(s) > 100 || strings.Count(s, ".") >= 2:
		return "(a value of " + strconv.Itoa(len(s)) + " bytes, not shown)"
	}
	return strconv.Quote(s)
}

// writeOAuthError answers 400, the status RFC 6749 5.2 gives every error
// but invalid_client, which the exchange has no use for.
func writeOAuthError(w http.ResponseWriter, e oauthError) error {
	w.Header().Set("Pragma", "no-cache")
	return writeJSON(w, http.StatusBadRequest, e)
}
