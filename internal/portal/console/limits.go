package console

import (
	"context"
	"net/http"
	"strings"
)

// resolved is a request's session as Session found it, carried in the
// request's context to the page that serves it, so that the database is
// asked once per request.
type resolved struct {
	rq     request
	reason string
	err    error
}

type resolvedKey struct{}

// Session resolves the session of the request's cookie before the request
// is served, for whoever mounts the console and counts requests (the API's
// per-token and per-address limits): the request it returns carries the
// session to ServeHTTP, which does not read it again. tokenID is the id of
// the session's token, "" when the request has no live session; unknown is
// true when the request brought a session cookie that names none (ended,
// expired, its token revoked, or never issued). A request without a
// session cookie, or for a static file, is not looked up.
func (c *Console) Session(w http.ResponseWriter, r *http.Request) (next *http.Request, tokenID string, unknown bool) {
	if cookieValue(r, SessionCookie) == "" || strings.HasPrefix(r.URL.Path, staticPrefix) {
		return r, "", false
	}
	rq, reason, err := c.resume(w, r)
	next = r.WithContext(context.WithValue(r.Context(), resolvedKey{}, &resolved{rq: rq, reason: reason, err: err}))
	if rq.id != "" {
		return next, rq.caller.TokenID(), false
	}
	return next, "", err == nil
}

const staticPrefix = "/console/static/"

// noListing answers 404 for a directory of the static files: the file
// server would list its files.
func (c *Console) noListing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			c.notFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
