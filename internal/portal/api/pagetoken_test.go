package api

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// pageToken is a token of the portal's own key, as its lists give out.
func (e *env) pageToken(kind, after string) string {
	e.t.Helper()
	key, err := e.portal.Service().PageTokenKey(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	return encodePageToken(key, kind, after)
}

// Page tokens are signed with a key kept in the database: a token the
// portal gave out works, also after a restart (any replica on the database
// has the same key); a token made or changed by the caller is 400, even
// one that points inside the caller's own merchant.
func TestPageTokensAreSigned(t *testing.T) {
	e := newEnv(t)
	var first struct {
		Stores []struct {
			ID string `json:"id"`
		} `json:"stores"`
		NextPageToken string `json:"next_page_token"`
	}
	e.must(200, "GET", "/v1/stores?page_size=1", "viewer", "").json(t, &first)
	if first.NextPageToken == "" || len(first.Stores) != 1 {
		t.Fatalf("first page %+v: want one store and a next page", first)
	}
	tok := first.NextPageToken
	e.must(200, "GET", "/v1/stores?page_size=1&page_token="+tok, "viewer", "")

	// The cursor a caller would write itself: the unsigned form that was
	// accepted before, and the signed one with its cursor changed.
	payload, sig, _ := strings.Cut(tok, ".")
	forgedPayload, _ := json.Marshal(pageToken{Kind: "stores", After: first.Stores[0].ID + "-"})
	forged := base64.RawURLEncoding.EncodeToString(forgedPayload)
	for name, bad := range map[string]string{
		"unsigned":        forged,
		"changed cursor":  forged + "." + sig,
		"signature cut":   payload + "." + sig[:len(sig)-2],
		"another key":     encodePageToken([]byte("not-the-key-of-this-database-!!!"), "stores", first.Stores[0].ID),
		"signature alone": "." + sig,
		"no signature":    payload + ".",
	} {
		p := e.must(400, "GET", "/v1/stores?page_size=1&page_token="+bad, "viewer", "").problem(t)
		if !strings.Contains(p.Detail, "page_token") {
			t.Errorf("%s: detail %q does not name page_token", name, p.Detail)
		}
	}

	// A new Service on the same database (a restart, another replica)
	// reads the same key.
	e.reopen()
	e.must(200, "GET", "/v1/stores?page_size=1&page_token="+tok, "viewer", "")
}
