package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"time"
)

const (
	// SessionCookie is the name API.md fixes for the console's session.
	SessionCookie = "jwo_session"
	// signInCookie carries the CSRF token of the sign-in form, before
	// there is a session to hold it.
	signInCookie = "jwo_signin"
	cookiePath   = "/console/"
	// defaultSessionTTL is how long a session lasts from sign-in.
	defaultSessionTTL = 8 * time.Hour
)

func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// cookie is a console cookie: HttpOnly, SameSite=Strict, Secure when the
// console is served over TLS.
func cookie(r *http.Request, name, value string, maxAge time.Duration) *http.Cookie {
	c := &http.Cookie{Name: name, Value: value, Path: cookiePath, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil}
	if maxAge < 0 {
		c.MaxAge = -1
	} else {
		c.MaxAge = int(maxAge / time.Second)
	}
	return c
}

func cookieValue(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}

func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// crossSite says whether a POST comes from another site: the browser's
// Sec-Fetch-Site, or failing that an Origin that is not this host. A
// request with neither (curl, an old browser) must still carry the form's
// CSRF token, which another site cannot read.
func crossSite(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return false
	case "":
	default:
		return true
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	return err != nil || u.Host != r.Host
}
