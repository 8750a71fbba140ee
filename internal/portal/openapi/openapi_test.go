package openapi

import (
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// These tests read the document with encoding/json only, so that they keep
// running even where the schema engine of the openapitest package cannot be
// built; the semantic checks (a valid OpenAPI 3 document, answers matching
// it) live there.

// doc is the part of an OpenAPI document these tests look at.
type doc struct {
	OpenAPI    string                                `json:"openapi"`
	Security   []map[string][]string                 `json:"security"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas         map[string]schema          `json:"schemas"`
		Parameters      map[string]parameter       `json:"parameters"`
		SecuritySchemes map[string]json.RawMessage `json:"securitySchemes"`
	} `json:"components"`
}

type schema struct {
	Type                 string            `json:"type"`
	Enum                 []string          `json:"enum"`
	Pattern              string            `json:"pattern"`
	Required             []string          `json:"required"`
	Properties           map[string]schema `json:"properties"`
	AdditionalProperties json.RawMessage   `json:"additionalProperties"` // false, true or a schema
	Nullable             bool              `json:"nullable"`
	Ref                  string            `json:"$ref"`
}

type parameter struct {
	Name     string `json:"name"`
	In       string `json:"in"`
	Required bool   `json:"required"`
	Ref      string `json:"$ref"`
	Schema   schema `json:"schema"`
}

type operation struct {
	OperationID string                 `json:"operationId"`
	Security    *[]map[string][]string `json:"security"`
	Parameters  []parameter            `json:"parameters"`
	RequestBody *struct {
		Content map[string]struct {
			Schema schema `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
	Responses map[string]json.RawMessage `json:"responses"`
}

func load(t *testing.T) doc {
	t.Helper()
	var d doc
	if err := json.Unmarshal(Document(), &d); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	return d
}

func (d doc) operation(t *testing.T, path, method string) operation {
	t.Helper()
	item, ok := d.Paths[path]
	if !ok {
		t.Fatalf("path %s is not in the document", path)
	}
	raw, ok := item[strings.ToLower(method)]
	if !ok {
		t.Fatalf("%s %s is not in the document", method, path)
	}
	var op operation
	if err := json.Unmarshal(raw, &op); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return op
}

// route is one call of API.md with the statuses API.md names for it.
type route struct {
	method, path string
	statuses     []string
}

// apiRoutes is the table of API.md (metrics are served apart, on
// --metrics-addr). Keep it in step with API.md: it is what the document is held to.
var apiRoutes = []route{
	{"GET", "/v1/stores", []string{"200", "400"}},
	{"POST", "/v1/stores", []string{"201", "403", "409", "422"}},
	{"GET", "/v1/stores/{store_id}", []string{"200", "404"}},
	{"PATCH", "/v1/stores/{store_id}", []string{"200", "403", "404", "422"}},
	{"GET", "/v1/stores/{store_id}/completion", []string{"200", "404"}},
	{"GET", "/v1/connectors", []string{"200", "400"}},
	{"GET", "/v1/stores/{store_id}/connectors", []string{"200", "404"}},
	{"GET", "/v1/stores/{store_id}/connectors/{method}", []string{"200", "404"}},
	{"PUT", "/v1/stores/{store_id}/connectors/{method}", []string{"200", "201", "403", "409", "412", "422"}},
	{"DELETE", "/v1/stores/{store_id}/connectors/{method}", []string{"204", "404", "412"}},
	{"POST", "/v1/stores/{store_id}/connectors/{method}/tests", []string{"202", "404", "422"}},
	{"GET", "/v1/stores/{store_id}/connectors/{method}/tests", []string{"200"}},
	{"GET", "/v1/tests/{test_id}", []string{"200", "404"}},
	// Not in API.md's table: the batch read of issue 12, which adds to the
	// API without changing a fixed name.
	{"GET", "/v1/tests", []string{"200", "400"}},
	{"GET", "/v1/stores/{store_id}/catalog/items", []string{"200"}},
	{"PUT", "/v1/stores/{store_id}/catalog/items/{sku}", []string{"200", "403", "409", "422"}},
	{"GET", "/v1/audit-events", []string{"200"}},
	{"GET", "/v1/tokens", []string{"200", "403"}},
	{"DELETE", "/v1/tokens/{token_id}", []string{"204", "403", "404"}},
	{"GET", "/v1/trust-policies", []string{"200", "403"}},
	{"POST", "/v1/trust-policies", []string{"201", "403", "422"}},
	{"DELETE", "/v1/trust-policies/{policy_id}", []string{"204", "403", "404"}},
	{"POST", "/v1/oauth/token", []string{"200", "400"}},
	{"GET", "/v1/openapi.json", []string{"200"}},
	{"GET", "/healthz", []string{"200"}},
}

// adminReads are the reads that only an admin may make.
var adminReads = map[string]bool{"/v1/tokens": true, "/v1/trust-policies": true}

var public = map[string]bool{"/healthz": true, "/v1/openapi.json": true, "/v1/oauth/token": true}

func TestEveryRouteOfAPIMD(t *testing.T) {
	d := load(t)
	if d.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", d.OpenAPI)
	}
	for _, r := range apiRoutes {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			op := d.operation(t, r.path, r.method)
			if op.OperationID == "" {
				t.Error("no operationId")
			}
			for _, s := range r.statuses {
				if _, ok := op.Responses[s]; !ok {
					t.Errorf("status %s of API.md is not documented", s)
				}
			}
			if public[r.path] {
				if op.Security == nil || len(*op.Security) != 0 {
					t.Error("a public path must say security: []")
				}
				return
			}
			if op.Security != nil {
				t.Error("an authenticated path must use the global bearer security")
			}
			// Every authenticated call can meet these, whatever API.md lists.
			for _, s := range []string{"400", "401", "429", "500"} {
				if _, ok := op.Responses[s]; !ok {
					t.Errorf("status %s is not documented", s)
				}
			}
			if op.RequestBody != nil {
				if _, ok := op.Responses["413"]; !ok {
					t.Error("a call with a body must document 413")
				}
			}
			// Writes need a role, and so do the admin's reads.
			needsRole := r.method != "GET" || adminReads[r.path]
			if _, ok := op.Responses["403"]; ok != needsRole {
				t.Errorf("403 documented = %v, want %v (only writes and admin reads need a role)", ok, needsRole)
			}
		})
	}
}

// TestNoUndocumentedRoutes keeps the document from growing calls API.md does
// not fix without the table above growing too.
func TestNoUndocumentedRoutes(t *testing.T) {
	d := load(t)
	want := map[string]bool{}
	for _, r := range apiRoutes {
		want[r.method+" "+r.path] = true
	}
	var extra []string
	for path, item := range d.Paths {
		for m := range item {
			switch m {
			case "get", "put", "post", "delete", "patch", "head", "options", "trace":
				if k := strings.ToUpper(m) + " " + path; !want[k] {
					extra = append(extra, k)
				}
			}
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("operations not in API.md's table: %v", extra)
	}
}

func TestGlobalBearerSecurity(t *testing.T) {
	d := load(t)
	if !reflect.DeepEqual(d.Security, []map[string][]string{{"bearerAuth": {}}}) {
		t.Errorf("global security = %v", d.Security)
	}
	var scheme struct{ Type, Scheme string }
	if err := json.Unmarshal(d.Components.SecuritySchemes["bearerAuth"], &scheme); err != nil || scheme.Type != "http" || scheme.Scheme != "bearer" {
		t.Errorf("bearerAuth = %+v (%v)", scheme, err)
	}
}

// TestEnumsAreJWOs ties every enum of the document to the list in jwo, so a
// value added there cannot be forgotten here.
func TestEnumsAreJWOs(t *testing.T) {
	d := load(t)
	lower := make([]string, len(jwo.Methods))
	for i, m := range jwo.Methods {
		lower[i] = m.PathSegment()
	}
	for name, want := range map[string][]string{
		"Method":             jwo.Strings(jwo.Methods),
		"EndpointType":       jwo.Strings(jwo.EndpointTypes),
		"StoreType":          jwo.Strings(jwo.StoreTypes),
		"EntryMethod":        jwo.Strings(jwo.EntryMethods),
		"FraudStrategy":      jwo.Strings(jwo.FraudStrategies),
		"CompletionStatus":   jwo.Strings(jwo.CompletionStatuses),
		"BarcodeType":        jwo.Strings(jwo.BarcodeTypes),
		"ConnectivityStatus": jwo.Strings(jwo.ConnectivityStatuses),
		"TestStatus":         jwo.Strings(jwo.TestStatuses),
		// The document lists "" too: what a run that did not fail has.
		"FailureReason": jwo.Strings(append([]jwo.FailureReason{jwo.ReasonNone}, jwo.FailureReasons...)),
		"AuditAction":   jwo.Strings(jwo.AuditActions),
	} {
		if got := d.Components.Schemas[name].Enum; !slices.Equal(got, want) {
			t.Errorf("schema %s enum = %q, want %q", name, got, want)
		}
	}
	// The path takes the canonical lower case and the method field's own
	// spelling, and nothing else (the server's pathMethod).
	if got, want := d.Components.Parameters["MethodSegment"].Schema.Enum, append(slices.Clone(lower), jwo.Strings(jwo.Methods)...); !slices.Equal(got, want) {
		t.Errorf("method path segment enum = %q, want %q", got, want)
	}
}

func TestPatternsAreJWOs(t *testing.T) {
	d := load(t)
	// The patterns must accept and refuse what jwo's validators do.
	for _, c := range []struct {
		schema  string
		samples []string
		check   func(string) error
	}{
		{"StoreID", []string{"acme-sea-01", "A_b-9", strings.Repeat("x", 255), strings.Repeat("x", 256), "", "a b", "a/b", "é"}, jwo.ValidateStoreID},
		{"SKU", []string{"WATER-500", "a.b_c-d", "9", "-x", ".x", "", strings.Repeat("x", 64), strings.Repeat("x", 65), "a/b"}, jwo.ValidateSKU},
	} {
		re, err := regexp.Compile(d.Components.Schemas[c.schema].Pattern)
		if err != nil {
			t.Fatalf("%s pattern: %v", c.schema, err)
		}
		for _, s := range c.samples {
			if got, want := re.MatchString(s), c.check(s) == nil; got != want {
				t.Errorf("%s pattern on %q: %v, jwo says %v", c.schema, s, got, want)
			}
		}
	}
}

// TestRequestSchemasAreClosed: unknown request fields are 400, so every
// JSON request schema must say additionalProperties: false. The token
// endpoint's form is the exception, and must say true: RFC 6749 section 3.2
// requires it to ignore the parameters it does not know.
func TestRequestSchemasAreClosed(t *testing.T) {
	d := load(t)
	seen := 0
	for path, item := range d.Paths {
		for m := range item {
			if m == "parameters" {
				continue
			}
			op := d.operation(t, path, m)
			if op.RequestBody == nil {
				continue
			}
			for ct, c := range op.RequestBody.Content {
				// The token endpoint speaks OAuth's form encoding (RFC 8693).
				if ct != "application/json" && (path != "/v1/oauth/token" || ct != "application/x-www-form-urlencoded") {
					t.Errorf("%s %s: request content %s", m, path, ct)
				}
				name := strings.TrimPrefix(c.Schema.Ref, "#/components/schemas/")
				s, ok := d.Components.Schemas[name]
				if !ok {
					t.Errorf("%s %s: request schema %q is not a component", m, path, c.Schema.Ref)
					continue
				}
				want := "false"
				if ct == "application/x-www-form-urlencoded" {
					want = "true"
				}
				if string(s.AdditionalProperties) != want {
					t.Errorf("%s %s: request schema %s must say additionalProperties: %s", m, path, name, want)
				}
				seen++
			}
		}
	}
	if seen != 7 {
		t.Errorf("%d request bodies, want 7 (POST/PATCH store, PUT connector, POST test, PUT catalog item, POST trust policy, POST oauth token)", seen)
	}
}

// TestWireTypesMatchSchemas compares each JSON wire type of jwo with its
// schema: the same property names, and every field the type always writes
// is required.
func TestWireTypesMatchSchemas(t *testing.T) {
	d := load(t)
	for name, typ := range map[string]reflect.Type{
		"Store":            reflect.TypeFor[jwo.Store](),
		"StoreProfile":     reflect.TypeFor[jwo.StoreProfile](),
		"StorePatch":       reflect.TypeFor[jwo.StorePatch](),
		"StorePage":        reflect.TypeFor[jwo.StorePage](),
		"Completion":       reflect.TypeFor[jwo.Completion](),
		"ConnectorInput":   reflect.TypeFor[jwo.ConnectorInput](),
		"Connector":        reflect.TypeFor[jwo.Connector](),
		"ConnectorList":    reflect.TypeFor[jwo.ConnectorList](),
		"TestInput":        reflect.TypeFor[jwo.TestInput](),
		"ConnectivityTest": reflect.TypeFor[jwo.ConnectivityTest](),
		"TestList":         reflect.TypeFor[jwo.TestList](),
		"CatalogItemInput": reflect.TypeFor[jwo.CatalogItemInput](),
		"CatalogItem":      reflect.TypeFor[jwo.CatalogItem](),
		"CatalogPage":      reflect.TypeFor[jwo.CatalogPage](),
		"AuditEvent":       reflect.TypeFor[jwo.AuditEvent](),
		"AuditPage":        reflect.TypeFor[jwo.AuditPage](),
		"Problem":          reflect.TypeFor[jwo.Problem](),
		"FieldError":       reflect.TypeFor[jwo.FieldError](),
		"TrustPolicySpec":  reflect.TypeFor[jwo.TrustPolicySpec](),
		"TrustPolicy":      reflect.TypeFor[jwo.TrustPolicy](),
		"TrustPolicyList":  reflect.TypeFor[jwo.TrustPolicyList](),
	} {
		s, ok := d.Components.Schemas[name]
		if !ok {
			t.Errorf("no schema %s", name)
			continue
		}
		fields := jsonFields(typ)
		var names []string
		for f := range fields {
			names = append(names, f)
		}
		var props []string
		for p := range s.Properties {
			props = append(props, p)
		}
		sort.Strings(names)
		sort.Strings(props)
		if !slices.Equal(names, props) {
			t.Errorf("%s: Go fields %v, schema properties %v", name, names, props)
		}
		// Request schemas list only what a caller must send; response
		// schemas must require every field the portal always writes.
		if strings.HasSuffix(name, "Input") || strings.HasSuffix(name, "Spec") || name == "StoreProfile" || name == "StorePatch" {
			continue
		}
		for f, omitempty := range fields {
			if req := slices.Contains(s.Required, f); req == omitempty {
				t.Errorf("%s.%s: required = %v, but omitempty = %v", name, f, req, omitempty)
			}
		}
	}
}

// jsonFields maps the JSON names of a struct's fields (embedded structs
// flattened, as encoding/json does) to whether they are omitempty.
func jsonFields(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if f.Anonymous && tag == "" {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = strings.Contains(opts, "omitempty")
	}
	return out
}

func TestHeaders(t *testing.T) {
	d := load(t)
	var raw struct {
		Components struct {
			Responses map[string]struct {
				Headers map[string]json.RawMessage `json:"headers"`
			} `json:"responses"`
		} `json:"components"`
	}
	if err := json.Unmarshal(Document(), &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw.Components.Responses["Unauthorized"].Headers["WWW-Authenticate"]; !ok {
		t.Error("401 has no WWW-Authenticate header")
	}
	if _, ok := raw.Components.Responses["TooManyRequests"].Headers["Retry-After"]; !ok {
		t.Error("429 has no Retry-After header")
	}
	for _, c := range []struct{ method, path, status, header string }{
		{"GET", "/v1/stores/{store_id}/connectors/{method}", "200", "ETag"},
		{"PUT", "/v1/stores/{store_id}/connectors/{method}", "200", "ETag"},
		{"PUT", "/v1/stores/{store_id}/connectors/{method}", "201", "ETag"},
		{"POST", "/v1/stores/{store_id}/connectors/{method}/tests", "202", "Location"},
	} {
		op := d.operation(t, c.path, c.method)
		var resp struct {
			Headers map[string]json.RawMessage `json:"headers"`
		}
		if err := json.Unmarshal(op.Responses[c.status], &resp); err != nil {
			t.Fatal(err)
		}
		if _, ok := resp.Headers[c.header]; !ok {
			t.Errorf("%s %s %s: no %s header", c.method, c.path, c.status, c.header)
		}
	}
	for _, c := range []struct{ method, path, header string }{
		{"PUT", "/v1/stores/{store_id}/connectors/{method}", "IfMatch"},
		{"PUT", "/v1/stores/{store_id}/connectors/{method}", "IfNoneMatch"},
		{"DELETE", "/v1/stores/{store_id}/connectors/{method}", "IfMatch"},
		{"POST", "/v1/stores/{store_id}/connectors/{method}/tests", "IdempotencyKey"},
	} {
		op := d.operation(t, c.path, c.method)
		if !slices.ContainsFunc(op.Parameters, func(p parameter) bool { return p.Ref == "#/components/parameters/"+c.header }) {
			t.Errorf("%s %s: no %s parameter", c.method, c.path, c.header)
		}
	}
}

func TestDocumentIsACopy(t *testing.T) {
	a := Document()
	a[0] = 'x'
	if b := Document(); b[0] != '{' {
		t.Fatal("Document shares its bytes with callers")
	}
}
