package console

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

const (
	// SessionCookie is the name API.md fixes for the console's session.
	SessionCookie = "jwo_session"
	// signInCookie carries the CSRF token of the sign-in form, before
	// there is a session to hold it.
	signInCookie = "jwo_signin"
	cookiePath   = "/console/"
	// DefaultSessionTTL is how long a session lasts from sign-in.
	DefaultSessionTTL = 8 * time.Hour
)

// session is one signed-in browser. The caller is re-checked against the
// portal on every request; the session itself never holds the token, only
// what the portal made of it.
type session struct {
	caller  portal.Caller
	csrf    string
	expires time.Time
}

// sessions are kept in the memory of the portal process: a restart signs
// everyone out, and several replicas need the load balancer to keep a
// browser on one replica (affinity on the jwo_session cookie).
type sessions struct {
	ttl time.Duration
	now func() time.Time

	mu sync.Mutex
	m  map[string]*session // by the SHA-256 of the cookie value
}

func newSessions(ttl time.Duration, now func() time.Time) *sessions {
	return &sessions{ttl: ttl, now: now, m: map[string]*session{}}
}

func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func sessionKey(cookie string) string {
	sum := sha256.Sum256([]byte(cookie))
	return hex.EncodeToString(sum[:])
}

// create starts a session and returns the cookie value that names it.
func (s *sessions) create(c portal.Caller) (string, *session) {
	id := randomToken()
	ss := &session{caller: c, csrf: randomToken(), expires: s.now().Add(s.ttl)}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for k, old := range s.m {
		if !now.Before(old.expires) {
			delete(s.m, k)
		}
	}
	s.m[sessionKey(id)] = ss
	return id, ss
}

// get finds the live session of a cookie value; an expired one is removed.
func (s *sessions) get(id string) *session {
	if id == "" {
		return nil
	}
	k := sessionKey(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.m[k]
	if !ok {
		return nil
	}
	if !s.now().Before(ss.expires) {
		delete(s.m, k)
		return nil
	}
	return ss
}

func (s *sessions) update(id string, c portal.Caller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ss, ok := s.m[sessionKey(id)]; ok {
		ss.caller = c
	}
}

func (s *sessions) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, sessionKey(id))
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
