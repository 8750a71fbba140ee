package apitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// The OpenAPI document checked against the server from outside, the way
// example-driven tools (Dredd, Prism, Portman) use it: every operation's
// documented example request is sent, then each of its query parameters
// with its example, then invalid variants. The document must call every
// example valid and the server must accept it; the document must call
// every variant invalid and the server must refuse it with the status the
// document gives; and every answer must match the document (the suite's
// validating transport).
func TestDocumentExamplesAgreeWithTheServer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ops := documentedOperations(e.v.Document())
	if len(ops) < 20 {
		t.Fatalf("the document has %d operations; want them all", len(ops))
	}
	for _, op := range ops {
		if op.op.OperationID == "exchangeToken" {
			// No example JWT can be valid: it must be signed by a live
			// issuer a policy names. exchange_test.go runs that operation
			// against a real issuer, every answer checked by the document.
			continue
		}
		base := exampleRequest(t, op)
		// The example itself: a success, except where its path names an
		// id the portal cannot have (a run, a token): then 404.
		e.wantValid(base, func(status int) bool {
			return status/100 == 2 || (status == http.StatusNotFound && (hasParam(op, "test_id") || hasParam(op, "token_id") || hasParam(op, "policy_id")))
		})
		if op.method == http.MethodDelete {
			continue // gone now: the variants below would only meet 404
		}
		for _, p := range op.params(openapi3.ParameterInQuery) {
			v, ok := exampleValue(p)
			if !ok {
				continue
			}
			e.wantValid(base.withQuery(p.Name, v), accepted)
			if enum := enumOf(p.Schema); len(enum) > 0 {
				e.wantInvalid(base.withQuery(p.Name, strings.ToLower(v)), http.StatusBadRequest, "an enum filter in lower case")
			}
		}
		e.wantInvalid(base.withQuery("bogus", "1"), http.StatusBadRequest, "an unknown query parameter")
		if hasParam(op, "method") {
			e.wantValid(base.withPath("method", "ORDERING"), accepted)
			e.wantInvalid(base.withPath("method", "Ordering"), http.StatusNotFound, "a method in mixed case")
		}
		if hasParam(op, "store_id") {
			e.wantInvalid(base.withPath("store_id", "acme.sea"), http.StatusNotFound, "a store id outside the allowed form")
		}
		if base.body != nil {
			e.wantInvalid(base.withHeader("Content-Type", "text/plain"), http.StatusUnsupportedMediaType, "a text/plain body")
			if k, ok := notNullable(op, base.body); ok {
				e.wantInvalid(base.withField(k, nil), http.StatusBadRequest, "null for field "+k)
			}
		}
		if hasParam(op, "If-Match") && op.method == http.MethodPut {
			e.wantValid(base.withHeader("If-Match", "*"), accepted)
			e.wantValid(base.withHeader("If-Match", `"1", W/"2"`), accepted)
			e.wantInvalid(base.withHeader("If-Match", "1"), http.StatusPreconditionFailed, "an If-Match that is no entity tag")
		}
	}
	// The review's own case: a store's region cannot be null.
	patch := exampleRequest(t, opNamed(t, ops, "updateStore"))
	e.wantInvalid(patch.withField("region", nil), http.StatusBadRequest, `{"region": null}`)
}

// accepted is the answer to a request the document calls valid, when the
// state of the portal decides the rest (an If-Match of another version is
// 412, a store created twice 409): never a refusal of its form.
func accepted(status int) bool {
	return status < 500 && status != http.StatusBadRequest && status != http.StatusUnsupportedMediaType
}

type operation struct {
	method, template string
	item             *openapi3.PathItem
	op               *openapi3.Operation
}

func (o operation) params(in string) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	for _, ps := range []openapi3.Parameters{o.item.Parameters, o.op.Parameters} {
		for _, p := range ps {
			if p.Value != nil && p.Value.In == in {
				out = append(out, p.Value)
			}
		}
	}
	return out
}

func hasParam(o operation, name string) bool {
	for _, in := range []string{openapi3.ParameterInPath, openapi3.ParameterInHeader} {
		for _, p := range o.params(in) {
			if p.Name == name {
				return true
			}
		}
	}
	return false
}

// documentedOperations lists the operations in the order that lets each
// example find what it needs: the example store first, then the writes
// that create (PUT, POST) before the PATCH and the reads, deletes last.
func documentedOperations(doc *openapi3.T) []operation {
	order := map[string]int{http.MethodPut: 0, http.MethodPost: 1, http.MethodPatch: 2, http.MethodGet: 3, http.MethodDelete: 4}
	var ops []operation
	for template, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops = append(ops, operation{method: method, template: template, item: item, op: op})
		}
	}
	rank := func(o operation) int {
		if o.op.OperationID == "createStore" {
			return -1 // the store of the other examples' store_id
		}
		return order[o.method]
	}
	sort.Slice(ops, func(i, j int) bool {
		a, b := ops[i], ops[j]
		if rank(a) != rank(b) {
			return rank(a) < rank(b)
		}
		return a.template < b.template
	})
	return ops
}

func opNamed(t *testing.T, ops []operation, id string) operation {
	t.Helper()
	for _, o := range ops {
		if o.op.OperationID == id {
			return o
		}
	}
	t.Fatalf("no operation %s", id)
	return operation{}
}

// docRequest is a request to send; the with* methods make variants.
type docRequest struct {
	name   string
	method string
	path   map[string]string
	tmpl   string
	query  url.Values
	header http.Header
	body   map[string]any
}

func (r docRequest) clone() docRequest {
	c := r
	c.path = map[string]string{}
	for k, v := range r.path {
		c.path[k] = v
	}
	c.query = url.Values{}
	for k, v := range r.query {
		c.query[k] = slices.Clone(v)
	}
	c.header = r.header.Clone()
	if r.body != nil {
		c.body = map[string]any{}
		for k, v := range r.body {
			c.body[k] = v
		}
	}
	return c
}

func (r docRequest) withQuery(k, v string) docRequest {
	c := r.clone()
	c.query.Set(k, v)
	return c
}

func (r docRequest) withPath(k, v string) docRequest {
	c := r.clone()
	c.path[k] = v
	return c
}

func (r docRequest) withHeader(k, v string) docRequest {
	c := r.clone()
	c.header.Set(k, v)
	return c
}

func (r docRequest) withField(k string, v any) docRequest {
	c := r.clone()
	if c.body == nil {
		c.body = map[string]any{}
	}
	c.body[k] = v
	return c
}

func (r docRequest) target() string {
	p := r.tmpl
	for k, v := range r.path {
		p = strings.ReplaceAll(p, "{"+k+"}", url.PathEscape(v))
	}
	if len(r.query) > 0 {
		p += "?" + r.query.Encode()
	}
	return p
}

func (r docRequest) String() string { return r.method + " " + r.target() }

func (r docRequest) bodyBytes(t *testing.T) []byte {
	if r.body == nil {
		return nil
	}
	b, err := json.Marshal(r.body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// exampleRequest is an operation's documented example: path parameters
// from their examples, no optional query parameter or header, the request
// body's example.
func exampleRequest(t *testing.T, o operation) docRequest {
	t.Helper()
	r := docRequest{name: o.op.OperationID, method: o.method, tmpl: o.template, path: map[string]string{},
		query: url.Values{}, header: http.Header{}}
	for _, p := range o.params(openapi3.ParameterInPath) {
		v, ok := exampleValue(p)
		if !ok {
			t.Fatalf("%s: path parameter %s has no example", o.op.OperationID, p.Name)
		}
		r.path[p.Name] = v
	}
	if rb := o.op.RequestBody; rb != nil && rb.Value != nil {
		mt := rb.Value.Content.Get("application/json")
		if mt == nil || mt.Example == nil {
			t.Fatalf("%s: the request body has no example", o.op.OperationID)
		}
		b, _ := json.Marshal(mt.Example)
		if err := json.Unmarshal(b, &r.body); err != nil {
			t.Fatalf("%s: the request body's example is not an object: %v", o.op.OperationID, err)
		}
		r.header.Set("Content-Type", "application/json")
	}
	return r
}

// exampleValue is a parameter's example, or failing that one its schema
// gives (its example, its first enum value, its minimum).
func exampleValue(p *openapi3.Parameter) (string, bool) {
	if p.Example != nil {
		return fmt.Sprint(p.Example), true
	}
	if p.Schema == nil || p.Schema.Value == nil {
		return "", false
	}
	s := p.Schema.Value
	switch {
	case s.Example != nil:
		return fmt.Sprint(s.Example), true
	case len(s.Enum) > 0:
		return fmt.Sprint(s.Enum[0]), true
	case s.Type.Is(openapi3.TypeInteger) && s.Min != nil:
		return fmt.Sprint(int(*s.Min)), true
	}
	return "", false
}

func enumOf(s *openapi3.SchemaRef) []any {
	if s == nil || s.Value == nil {
		return nil
	}
	return s.Value.Enum
}

// notNullable picks a field of the example body whose schema does not
// allow null.
func notNullable(o operation, body map[string]any) (string, bool) {
	schema := o.op.RequestBody.Value.Content.Get("application/json").Schema.Value
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if p := schema.Properties[k]; p != nil && p.Value != nil && !p.Value.Nullable {
			return k, true
		}
	}
	return "", false
}

// send sends r with the admin token through the validating transport.
func (e *env) send(r docRequest) int {
	e.t.Helper()
	var body io.Reader
	if b := r.bodyBytes(e.t); b != nil {
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(e.t.Context(), r.method, e.srv.URL+r.target(), body)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header = r.header.Clone()
	req.Header.Set("Authorization", "Bearer "+e.tp.AdminToken)
	resp, err := e.httpClient(nil).Do(req)
	if err != nil {
		e.t.Fatalf("%s: %v", r, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

// docCheck is the request as the document sees it.
func (e *env) docCheck(r docRequest) error {
	req, err := http.NewRequest(r.method, "http://portal"+r.target(), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header = r.header.Clone()
	return e.v.ValidateRequest(req, r.bodyBytes(e.t))
}

func (e *env) wantValid(r docRequest, ok func(int) bool) {
	e.t.Helper()
	if err := e.docCheck(r); err != nil {
		e.t.Errorf("%s (%s): the document calls it invalid: %v", r, r.name, err)
	}
	if status := e.send(r); !ok(status) {
		e.t.Errorf("%s (%s): a request the document calls valid got %d", r, r.name, status)
	}
}

func (e *env) wantInvalid(r docRequest, want int, what string) {
	e.t.Helper()
	if err := e.docCheck(r); err == nil {
		e.t.Errorf("%s (%s, %s): the document calls it valid, but the portal refuses it", r, r.name, what)
	}
	if status := e.send(r); status != want {
		e.t.Errorf("%s (%s, %s): %d, want %d", r, r.name, what, status, want)
	}
}
