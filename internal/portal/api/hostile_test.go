package api

import (
	"strings"
	"testing"
)

// Hostile bodies through the real handler: each is a 400 (or 413 over the
// cap) problem+json whose detail names what is wrong, and none changes
// anything.
func TestHostileBodiesAreNamedProblems(t *testing.T) {
	e := newEnv(t)
	deepArrays := strings.Repeat("[", 60000)                           // under the 64 KiB cap, far over the decoder's depth limit
	deepInField := `{"endpoint_url":` + strings.Repeat(`{"a":`, 11000) // the same, inside a field
	tests := []struct {
		name, method, path, who, body string
		status                        int
		detail                        string
	}{
		{"60k nested arrays", "PUT", orderingPath, "operator", deepArrays, 400, "exceeded max depth"},
		{"nested objects in a field", "PUT", orderingPath, "operator", deepInField, 400, "exceeded max depth"},
		{"100k nested arrays", "PUT", orderingPath, "operator", strings.Repeat("[", 100000), 413, "limit"},
		{"null", "PUT", orderingPath, "operator", `null`, 400, "not null"},
		{"string body", "PUT", orderingPath, "operator", `"https://x.example.com"`, 400, "must be a JSON object, not a string"},
		{"array body", "PATCH", "/v1/stores/acme-none", "admin", `[{"name":"x"}]`, 400, "must be a JSON object, not an array"},
		{"array for a string", "PUT", orderingPath, "operator", `{"endpoint_url":["x"],"endpoint_type":"PUBLIC"}`, 400, `field "endpoint_url" must be a string, not an array`},
		{"string for a boolean", "POST", "/v1/stores", "admin", `{"id":"h-1","order_delegation":"yes"}`, 400, `field "order_delegation" must be a boolean (true or false), not a string`},
		{"string for an array", "POST", "/v1/stores", "admin", `{"id":"h-2","entry_methods":"APP_QR"}`, 400, `field "entry_methods" must be an array, not a string`},
		{"number for a boolean", "PATCH", "/v1/stores/acme-none", "admin", `{"loyalty_program":1}`, 400, `field "loyalty_program" must be a boolean (true or false), not a number`},
		{"number for a sku", "POST", "/v1/stores/acme-sea-01/connectors/ordering/tests", "operator", `{"sku":5}`, 400, `field "sku" must be a string, not a number`},
		{"leading zero", "PUT", "/v1/stores/acme-sea-01/catalog/items/PEN-1", "admin", `{"barcode":036000291452}`, 400, "not valid JSON"},
		{"binary", "PUT", orderingPath, "operator", "\x00\xff\xfe{", 400, "not valid JSON"},
		{"cut short", "PUT", orderingPath, "operator", `{"endpoint_url":"` + publicURL + `","endpoint_type":"PUBLIC"`, 400, "ends in the middle"},
		{"unknown field", "PUT", orderingPath, "operator", `{"endpoint_url":"` + publicURL + `","endpoint_type":"PUBLIC","Retries":3}`, 400, `unknown field "Retries"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.must(tc.status, tc.method, tc.path, tc.who, tc.body)
			p := r.problem(t)
			if p.Status != tc.status || p.RequestID != r.header.Get("X-Request-Id") || !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("problem %+v, want status %d and a detail naming %q", p, tc.status, tc.detail)
			}
		})
	}
	e.must(404, "GET", orderingPath, "viewer", "")
	e.must(404, "GET", "/v1/stores/h-1", "viewer", "")
	e.must(404, "GET", "/v1/stores/h-2", "viewer", "")
	if r := e.must(200, "GET", "/v1/stores/acme-none", "viewer", ""); strings.Contains(string(r.body), `"loyalty_program":true`) {
		t.Errorf("a refused PATCH changed the store: %s", r.body)
	}
}
