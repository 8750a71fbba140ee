package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

type callerKey struct{}

// callerOf is the caller of an authenticated request.
func callerOf(r *http.Request) portal.Caller {
	c, _ := r.Context().Value(callerKey{}).(portal.Caller)
	return c
}

// authenticate checks the request's bearer token with the Service's one
// check, acting through the front end its User-Agent names.
func (a *API) authenticate(r *http.Request) (portal.Caller, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return portal.Caller{}, &portal.Error{Kind: portal.KindNoCredentials, Detail: "no token: send Authorization: Bearer <token>"}
	}
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return portal.Caller{}, &portal.Error{Kind: portal.KindBadCredentials, Detail: "the Authorization header is not of the form Bearer <token>"}
	}
	c, err := a.svc.Authenticate(r.Context(), token, viaOfUserAgent(r.UserAgent()))
	if err != nil {
		return portal.Caller{}, err
	}
	requestInfoFrom(r.Context()).actor = c.Name()
	return c, nil
}

func withCaller(ctx context.Context, c portal.Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// providerUserAgent starts the User-Agent of terraform-provider-jwo.
const providerUserAgent = "terraform-provider-jwo/"

// viaOfUserAgent names the front end of an API request: the provider says
// who it is in its User-Agent.
func viaOfUserAgent(ua string) string {
	if strings.HasPrefix(ua, providerUserAgent) {
		return portal.ViaTerraform
	}
	return ""
}
