package client

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// A portal (or anything in front of it) that redirects must never receive
// the token at the place it points to: Go would forward Authorization to the
// same host name on another port, so the client follows no redirect at all.
func TestRedirectIsRefusedAndTheTokenStaysHome(t *testing.T) {
	t.Parallel()
	for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			t.Parallel()
			elsewhere := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				writeJSON(w, http.StatusOK, map[string]any{"id": "s1"})
			})
			portal := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				http.Redirect(w, r, elsewhere.URL+"/stolen"+r.URL.Path, code)
			})
			// A caller's client that would follow redirects is overridden too.
			follows := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}
			c := newTestClient(t, portal.URL, func(cfg *Config) { cfg.HTTPClient = follows })

			_, err := c.GetStore(t.Context(), "s1")
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != code {
				t.Fatalf("GetStore after a %d: got %v, want an *APIError with that status", code, err)
			}
			if want := elsewhere.URL + "/stolen/v1/stores/s1"; !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name the Location %s", err, want)
			}
			if n := elsewhere.count(); n != 0 {
				t.Errorf("the redirect target received %d requests (Authorization %q); want none",
					n, elsewhere.requests()[0].Header.Get("Authorization"))
			}
			if n := portal.count(); n != 1 {
				t.Errorf("the portal received %d requests; a redirect is not retried", n)
			}
		})
	}
}

// A Location with user info is named without its password.
func TestRedirectErrorRedactsUserInfo(t *testing.T) {
	t.Parallel()
	portal := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Location", "https://user:hunter2@portal.example.com/v1/stores/s1")
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	c := newTestClient(t, portal.URL)
	_, err := c.GetStore(t.Context(), "s1")
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "portal.example.com") {
		t.Fatalf("error = %v; want the Location named without its password", err)
	}
}
