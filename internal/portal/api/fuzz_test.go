package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// bodyRoute is one call that decodes a JSON body, as the fuzz targets send it.
type bodyRoute struct {
	method, path, who string
	optional          bool       // an empty body is allowed
	newInput          func() any // a pointer to the type the handler decodes into
	// echoes says whether a 2xx answer shows what the accepted input asked for.
	echoes func(in any, answer []byte) error
}

// bodyRoutes are every route with a request body. The fuzz inputs pick one
// by index, so the order is part of the committed corpora: append only.
var bodyRoutes = []bodyRoute{
	{method: "PUT", path: "/v1/stores/acme-sea-01/connectors/ordering", who: "operator",
		newInput: func() any { return &jwo.ConnectorInput{} },
		echoes: func(in any, answer []byte) error {
			want, got := in.(*jwo.ConnectorInput), jwo.Connector{}
			if err := json.Unmarshal(answer, &got); err != nil {
				return err
			}
			// The portal keeps the saved spelling of an equivalent URL (host
			// case, a trailing slash), and the fuzz inputs share one portal.
			if !jwo.EquivalentEndpointURLs(got.EndpointURL, want.EndpointURL) || got.EndpointType != want.EndpointType {
				return fmt.Errorf("saved %q %q, asked for %q %q", got.EndpointURL, got.EndpointType, want.EndpointURL, want.EndpointType)
			}
			return nil
		}},
	{method: "POST", path: "/v1/stores", who: "admin",
		newInput: func() any { return &jwo.StoreProfile{} },
		echoes: func(in any, answer []byte) error {
			want, got := in.(*jwo.StoreProfile), jwo.Store{}
			if err := json.Unmarshal(answer, &got); err != nil {
				return err
			}
			if !sameProfile(got.StoreProfile, *want) {
				return fmt.Errorf("created %+v, asked for %+v", got.StoreProfile, *want)
			}
			return nil
		}},
	{method: "PATCH", path: "/v1/stores/acme-none", who: "admin",
		newInput: func() any { return &jwo.StorePatch{} },
		echoes: func(in any, answer []byte) error {
			patch, got := in.(*jwo.StorePatch), jwo.Store{}
			if err := json.Unmarshal(answer, &got); err != nil {
				return err
			}
			// Applying the patch to the answer must change nothing: every
			// field it named has the value it asked for.
			if !sameProfile(patch.Apply(got.StoreProfile), got.StoreProfile) {
				return fmt.Errorf("patched store %+v does not carry patch %s", got.StoreProfile, mustJSON(patch))
			}
			return nil
		}},
	{method: "POST", path: "/v1/stores/acme-sea-01/connectors/loyalty/tests", who: "operator", optional: true,
		newInput: func() any { return &jwo.TestInput{} },
		echoes: func(in any, answer []byte) error {
			want, got := in.(*jwo.TestInput), jwo.ConnectivityTest{}
			if err := json.Unmarshal(answer, &got); err != nil {
				return err
			}
			if got.SKU != want.SKU {
				return fmt.Errorf("run has sku %q, asked for %q", got.SKU, want.SKU)
			}
			return nil
		}},
	{method: "PUT", path: "/v1/stores/acme-sea-01/catalog/items/FUZZ-1", who: "admin",
		newInput: func() any { return &jwo.CatalogItemInput{} },
		echoes: func(in any, answer []byte) error {
			want, got := in.(*jwo.CatalogItemInput), jwo.CatalogItem{}
			if err := json.Unmarshal(answer, &got); err != nil {
				return err
			}
			if got.Barcode != want.Barcode || got.BarcodeType != want.BarcodeType || got.Name != want.Name || got.SKU != "FUZZ-1" {
				return fmt.Errorf("saved %+v, asked for %+v", got, *want)
			}
			return nil
		}},
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func pickRoute(i uint8) bodyRoute { return bodyRoutes[int(i)%len(bodyRoutes)] }

// FuzzDecodeJSON: whatever the body, decodeJSON answers with a client error
// (400, or 413 over the cap) or a value that survives a round trip and that
// the standard decoder reads the same way.
func FuzzDecodeJSON(f *testing.F) {
	for i := range bodyRoutes {
		f.Add(uint8(i), []byte(`{}`))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		route := pickRoute(which)
		dst := route.newInput()
		err := decodeJSON(bodyRequest(route, body), dst, route.optional)
		trimmed := bytes.TrimSpace(body)
		if err != nil {
			var ae *problem
			if !errors.As(err, &ae) {
				t.Fatalf("error %v is not an API error", err)
			}
			want := http.StatusBadRequest
			if len(body) > maxBodyBytes {
				want = http.StatusRequestEntityTooLarge
			}
			if ae.status != want || ae.detail == "" || !utf8.ValidString(ae.detail) {
				t.Fatalf("status %d detail %q, want %d with a readable detail", ae.status, ae.detail, want)
			}
			return
		}
		if len(trimmed) == 0 {
			if !route.optional {
				t.Fatal("an empty body was accepted by a route that needs one")
			}
			return
		}
		if !json.Valid(trimmed) || trimmed[0] != '{' {
			t.Fatalf("accepted %q, which is not a JSON object", body)
		}
		lenient := route.newInput()
		if err := json.Unmarshal(body, lenient); err != nil || !reflect.DeepEqual(lenient, dst) {
			t.Fatalf("the standard decoder reads %q as %+v (%v), decodeJSON as %+v", body, lenient, err, dst)
		}
		again := route.newInput()
		if err := decodeJSON(bodyRequest(route, []byte(mustJSON(dst))), again, route.optional); err != nil || !reflect.DeepEqual(again, dst) {
			t.Fatalf("round trip of %+v gave %+v (%v)", dst, again, err)
		}
	})
}

func bodyRequest(route bodyRoute, body []byte) *http.Request {
	r := httptest.NewRequest(route.method, route.path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, maxBodyBytes)
	return r
}

// FuzzPageToken: a page token is either refused with 400 or is one this
// list could have given out; every cursor survives encoding, and a token of
// one list is refused by another.
func FuzzPageToken(f *testing.F) {
	key, other := []byte("fuzz-page-token-key-of-32-bytes!"), []byte("another-key-another-key-another!")
	f.Add("stores", "acme-sea-01", encodePageToken(key, "stores", "acme-sea-01"))
	f.Add("catalog", "WATER-500", "not-a-token")
	f.Fuzz(func(t *testing.T, kind, after, token string) {
		got, err := decodePageToken(key, url.Values{"page_token": {token}}, kind)
		if err != nil {
			var ae *problem
			if !errors.As(err, &ae) || ae.status != http.StatusBadRequest {
				t.Fatalf("refusal %v is not a 400", err)
			}
		} else if token != "" {
			if got == "" {
				t.Fatalf("token %q accepted with an empty cursor", token)
			}
			if back, err := decodePageToken(key, url.Values{"page_token": {encodePageToken(key, kind, got)}}, kind); err != nil || back != got {
				t.Fatalf("cursor %q of token %q does not survive re-encoding: %q, %v", got, token, back, err)
			}
		}
		if after == "" {
			return
		}
		tok := encodePageToken(key, kind, after)
		back, err := decodePageToken(key, url.Values{"page_token": {tok}}, kind)
		// Invalid UTF-8 in a cursor or kind comes back as U+FFFD: ids and
		// list kinds never hold it.
		if utf8.ValidString(after) && utf8.ValidString(kind) && (err != nil || back != after) {
			t.Fatalf("cursor %q: token %q decodes to %q, %v", after, tok, back, err)
		}
		if _, err := decodePageToken(key, url.Values{"page_token": {tok}}, kind+"x"); err == nil {
			t.Fatalf("a %q token was accepted by the %q list", kind, kind+"x")
		}
		if _, err := decodePageToken(other, url.Values{"page_token": {tok}}, kind); err == nil {
			t.Fatalf("a token signed with another key was accepted: %q", tok)
		}
	})
}

// fuzzPortal is a portal for FuzzRequestBodies: the test seed, a token per
// role, a saved LOYALTY connector to start runs on, and no network at all
// (requests go straight to the handler).
type fuzzPortal struct {
	h      http.Handler
	tokens map[string]string
}

func newFuzzPortal(f *testing.F) *fuzzPortal {
	f.Helper()
	ctx := context.Background()
	db := filepath.Join(f.TempDir(), "portal.db")
	if err := applySeed(ctx, db, testSeed()); err != nil {
		f.Fatal(err)
	}
	fp := &fuzzPortal{tokens: map[string]string{}}
	for _, role := range []jwo.Role{jwo.RoleOperator, jwo.RoleAdmin, jwo.RoleViewer} {
		tok, err := createToken(ctx, db, "acme", role, "fuzz-"+string(role))
		if err != nil {
			f.Fatal(err)
		}
		fp.tokens[string(role)] = tok
	}
	fp.h = openHandler(f, db)
	if code, body := fp.serve("PUT", "/v1/stores/acme-sea-01/connectors/loyalty", "operator", []byte(connectorBody(publicURL, jwo.EndpointPublic))); code != http.StatusCreated {
		f.Fatalf("save the LOYALTY connector: %d %s", code, body)
	}
	return fp
}

func (fp *fuzzPortal) serve(method, path, who string, body []byte) (int, []byte) {
	rec := fp.serveRecorded(method, path, who, body)
	return rec.Code, rec.Body.Bytes()
}

func (fp *fuzzPortal) serveRecorded(method, path, who string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, bytes.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+fp.tokens[who])
	r.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	fp.h.ServeHTTP(rec, r)
	return rec
}

// clientErrors are the answers a body alone can earn: malformed (400), a
// store id or barcode already taken (409), over the cap (413), invalid
// values (422).
var clientErrors = []int{http.StatusBadRequest, http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity}

// FuzzRequestBodies sends bodies through the whole handler: the answer is
// never a 5xx; a refusal is a client error as problem+json naming the
// request id; a body that is not JSON is 400; and what is accepted is saved
// as sent.
func FuzzRequestBodies(f *testing.F) {
	fp := newFuzzPortal(f)
	for i := range bodyRoutes {
		f.Add(uint8(i), []byte(`{}`))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		route := pickRoute(which)
		rec := fp.serveRecorded(route.method, route.path, route.who, body)
		code, answer := rec.Code, rec.Body.Bytes()
		if code/100 == 2 {
			in := route.newInput()
			if len(bytes.TrimSpace(body)) > 0 {
				if err := json.Unmarshal(body, in); err != nil {
					t.Fatalf("%s %s accepted %q, which the standard decoder refuses: %v", route.method, route.path, body, err)
				}
			}
			if err := route.echoes(in, answer); err != nil {
				t.Fatalf("%s %s %q: %v", route.method, route.path, body, err)
			}
			return
		}
		if !slices.Contains(clientErrors, code) {
			t.Fatalf("%s %s %q: status %d, want 2xx or one of %v: %s", route.method, route.path, body, code, clientErrors, answer)
		}
		if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && !json.Valid(trimmed) && code != http.StatusBadRequest && code != http.StatusRequestEntityTooLarge {
			t.Fatalf("malformed body %q answered %d, want 400", body, code)
		}
		checkProblem(t, rec)
	})
}

// checkProblem: a refusal is problem+json whose status is the answer's and
// whose request id is the one in X-Request-Id.
func checkProblem(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("status %d with Content-Type %q: %s", rec.Code, ct, rec.Body.Bytes())
	}
	var p jwo.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("problem does not decode: %v: %s", err, rec.Body.Bytes())
	}
	if p.Status != rec.Code || p.Detail == "" || p.RequestID == "" || p.RequestID != rec.Header().Get("X-Request-Id") {
		t.Fatalf("problem %+v for status %d, X-Request-Id %q", p, rec.Code, rec.Header().Get("X-Request-Id"))
	}
}

// sameProfile compares two profiles as the portal stores them (no entry
// methods and an empty list are the same).
func sameProfile(a, b jwo.StoreProfile) bool {
	for _, p := range []*jwo.StoreProfile{&a, &b} {
		if p.EntryMethods == nil {
			p.EntryMethods = []jwo.EntryMethod{}
		}
	}
	return mustJSON(a) == mustJSON(b)
}
