package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"

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
	if gt := form.Get("grant_type"); gt != grantTokenExchange {
		return writeOAuthError(w, oauthError{"unsupported_grant_type",
			"grant_type " + quoteOrMissing(gt) + " is not supported: use " + grantTokenExchange})
	}
	if tt := form.Get("subject_token_type"); tt != tokenTypeJWT && tt != tokenTypeIDToken {
		return writeOAuthError(w, oauthError{portal.CodeInvalidRequest,
			"subject_token_type " + quoteOrMissing(tt) + " is not supported: use " + tokenTypeJWT})
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

// readTokenForm reads the form body; RFC 6749 3.2 wants each parameter
// once, and a query string carries none of them.
func readTokenForm(r *http.Request) (url.Values, *oauthError) {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "application/x-www-form-urlencoded" {
		return nil, &oauthError{portal.CodeInvalidRequest, "the body must be application/x-www-form-urlencoded (RFC 8693)"}
	}
	if r.URL.RawQuery != "" {
		return nil, &oauthError{portal.CodeInvalidRequest, "parameters go in the body, not the query string"}
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

func quoteOrMissing(s string) string {
	if s == "" {
		return "(missing)"
	}
	return `"` + s + `"`
}

// writeOAuthError answers 400, the status RFC 6749 5.2 gives every error
// but invalid_client, which the exchange has no use for.
func writeOAuthError(w http.ResponseWriter, e oauthError) error {
	w.Header().Set("Pragma", "no-cache")
	return writeJSON(w, http.StatusBadRequest, e)
}
