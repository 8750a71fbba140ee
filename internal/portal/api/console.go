package api

import (
	"net/http"
	"strings"
)

// consoleSignIn is the console's sign-in form: where a token is pasted.
const consoleSignIn = "/console/sign-in"

// consoleLimits puts the console under the API's limits before serving it:
// a signed-in browser counts against its token's bucket, the same one as
// the token's API calls (a session is that token acting through a
// browser); a pasted token and a session cookie that names no live session
// against the client address's failed-authentication budget; other pages
// before sign-in against the open routes' budget. Static files (no
// database, no token) are in no budget.
func (a *API) consoleLimits(console Console) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requestInfoFrom(r.Context()).route = "/console/"
		var err error
		switch {
		case strings.HasPrefix(r.URL.Path, "/console/static/"):
		case r.Method == http.MethodPost && r.URL.Path == consoleSignIn:
			err = a.authLimiter.allow(a.addressOf(r))
		default:
			var tokenID string
			var unknown bool
			r, tokenID, unknown = console.Session(w, r)
			switch {
			case tokenID != "":
				err = a.limiter.allow(tokenID)
			case unknown:
				err = a.authLimiter.allow(a.addressOf(r))
			default:
				err = a.openLimiter.allow(a.addressOf(r))
			}
		}
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		console.ServeHTTP(w, r)
	})
}
