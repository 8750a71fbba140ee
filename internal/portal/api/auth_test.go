package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/openapi"
)

func TestMissingOrUnknownTokenIs401WithChallenge(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, who, challenge string
	}{
		{"no header", "", `Bearer realm="jwo-portal"`},
		{"unknown token", "raw:Bearer jwo_not-a-real-token", `Bearer realm="jwo-portal", error="invalid_token"`},
		{"other scheme", "raw:Basic dXNlcjpwYXNz", `Bearer realm="jwo-portal", error="invalid_token"`},
		{"empty bearer", "raw:Bearer ", `Bearer realm="jwo-portal", error="invalid_token"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("GET", "/v1/stores", tc.who, "")
			if r.status != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", r.status)
			}
			if got := r.header.Get("WWW-Authenticate"); got != tc.challenge {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tc.challenge)
			}
			if p := r.problem(t); p.Status != 401 || p.RequestID == "" || p.RequestID != r.header.Get("X-Request-Id") {
				t.Errorf("problem = %+v, X-Request-Id %q", p, r.header.Get("X-Request-Id"))
			}
		})
	}
}

func TestBearerSchemeIsCaseInsensitive(t *testing.T) {
	e := newEnv(t)
	e.must(200, "GET", "/v1/stores", "raw:bearer "+e.tokens["viewer"], "")
}

func TestOpenEndpointsNeedNoToken(t *testing.T) {
	e := newEnv(t)
	r := e.must(200, "GET", "/healthz", "", "")
	if strings.TrimSpace(string(r.body)) != `{"status":"ok"}` {
		t.Errorf("healthz body %s", r.body)
	}
	// The metrics are not on the API's address (MetricsHandler serves them).
	e.must(404, "GET", "/metrics", "", "")
	if openAPIReady() {
		r := e.must(200, "GET", "/v1/openapi.json", "", "")
		if r.header.Get("Content-Type") != "application/json" {
			t.Errorf("openapi Content-Type %q", r.header.Get("Content-Type"))
		}
	}
}

// Each role may do what jwo.Role allows, on its own merchant's stores only;
// another merchant's store is 404 for every role, so its existence never
// shows.
func TestRolesAndMerchants(t *testing.T) {
	e := newEnv(t)
	putOrdering := connectorBody(publicURL, jwo.EndpointPublic)
	newStore := func(id string) string {
		return `{"id":"` + id + `","name":"N","store_type":"JWO","region":"us-east-1","entry_methods":[],"fraud_and_abuse_strategy":"NONE","order_delegation":false,"loyalty_program":false}`
	}
	item := `{"barcode":"4006381333931","barcode_type":"EAN13","name":"Pen"}`
	tests := []struct {
		who, method, path, body string
		want                    int
	}{
		{"viewer", "GET", "/v1/stores/acme-sea-01", "", 200},
		{"viewer", "GET", "/v1/stores/globex-01", "", 404},
		{"viewer", "PUT", "/v1/stores/acme-sea-01/connectors/ordering", putOrdering, 403},
		{"viewer", "PUT", "/v1/stores/globex-01/connectors/ordering", putOrdering, 404},
		{"viewer", "DELETE", "/v1/stores/acme-sea-01/connectors/ordering", "", 403},
		{"viewer", "POST", "/v1/stores/acme-sea-01/connectors/ordering/tests", `{"sku":"WATER-500"}`, 403},
		{"viewer", "POST", "/v1/stores", newStore("v-new"), 403},
		{"viewer", "PATCH", "/v1/stores/acme-none", `{"name":"x"}`, 403},
		{"viewer", "PATCH", "/v1/stores/globex-01", `{"name":"x"}`, 404},
		{"viewer", "PUT", "/v1/stores/acme-sea-01/catalog/items/PEN-1", item, 403},
		{"operator", "PUT", "/v1/stores/acme-sea-01/connectors/ordering", putOrdering, 201},
		{"operator", "PUT", "/v1/stores/globex-01/connectors/ordering", putOrdering, 404},
		{"operator", "POST", "/v1/stores/acme-sea-01/connectors/ordering/tests", `{"sku":"WATER-500"}`, 202},
		{"operator", "POST", "/v1/stores", newStore("o-new"), 403},
		{"operator", "PATCH", "/v1/stores/acme-none", `{"name":"x"}`, 403},
		{"operator", "PUT", "/v1/stores/acme-sea-01/catalog/items/PEN-1", item, 403},
		{"admin", "POST", "/v1/stores", newStore("a-new"), 201},
		{"admin", "PATCH", "/v1/stores/acme-none", `{"name":"Renamed"}`, 200},
		{"admin", "PATCH", "/v1/stores/globex-01", `{"name":"x"}`, 404},
		{"admin", "PUT", "/v1/stores/acme-sea-01/catalog/items/PEN-1", item, 200},
		{"admin", "PUT", "/v1/stores/globex-01/catalog/items/PEN-1", item, 404},
		{"admin", "DELETE", "/v1/stores/acme-sea-01/connectors/ordering", "", 204},
		{"other", "GET", "/v1/stores/acme-sea-01", "", 404},
		{"other", "GET", "/v1/stores/acme-sea-01/connectors", "", 404},
		{"other", "GET", "/v1/stores/acme-sea-01/completion", "", 404},
		{"other", "GET", "/v1/stores/acme-sea-01/catalog/items", "", 404},
		{"other", "GET", "/v1/stores/acme-sea-01/connectors/ordering/tests", "", 404},
		{"other", "DELETE", "/v1/stores/acme-sea-01/connectors/ordering", "", 404},
		{"other", "GET", "/v1/stores/globex-01", "", 200},
	}
	for _, tc := range tests {
		t.Run(tc.who+" "+tc.method+" "+tc.path, func(t *testing.T) {
			r := e.do(tc.method, tc.path, tc.who, tc.body)
			if r.status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.status, tc.want, r.body)
			}
			if tc.want >= 400 {
				if p := r.problem(t); p.Status != tc.want {
					t.Errorf("problem status %d", p.Status)
				}
			}
		})
	}
}

func TestCreateTokenStoresOnlyAHash(t *testing.T) {
	e := newEnv(t)
	tok, err := createToken(context.Background(), e.dbPath, "acme", jwo.RoleViewer, "late-token")
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := strings.CutPrefix(tok, "jwo_")
	if !ok {
		t.Fatalf("token %q has no jwo_ prefix", tok)
	}
	if b, err := base64.RawURLEncoding.DecodeString(raw); err != nil || len(b) != 32 {
		t.Fatalf("token body is not 32 base64url bytes: %v (%d bytes)", err, len(b))
	}
	// Created while the server has the file open, and usable at once.
	e.must(200, "GET", "/v1/stores", "raw:Bearer "+tok, "")

	db, err := sql.Open("sqlite", "file:"+e.dbPath+"?_query_only=1")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	var hash []byte
	var name string
	if err := db.QueryRow(`SELECT hash, name FROM tokens WHERE name = 'late-token'`).Scan(&hash, &name); err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256([]byte(tok)); string(hash) != string(sum[:]) {
		t.Error("stored hash is not the SHA-256 of the token")
	}
	for _, f := range []string{e.dbPath, e.dbPath + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(raw)) {
			t.Errorf("%s contains the token itself", f)
		}
	}
}

func TestCreateTokenRefusesBadInput(t *testing.T) {
	dbPath := t.TempDir() + "/p.db"
	for _, tc := range []struct {
		merchant string
		role     jwo.Role
		name     string
	}{
		{"", jwo.RoleAdmin, "x"},
		{"acme", "root", "x"},
		{"acme", jwo.RoleAdmin, ""},
		{"acme", jwo.RoleAdmin, "bad\nname"},
	} {
		if _, err := createToken(context.Background(), dbPath, tc.merchant, tc.role, tc.name); err == nil {
			t.Errorf("createToken(%q, %q, %q) succeeded", tc.merchant, tc.role, tc.name)
		}
	}
}

// openAPIReady is false while the openapi package is still a stub.
func openAPIReady() (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return len(openapi.Document()) > 0
}
