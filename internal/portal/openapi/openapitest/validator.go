// Package openapitest checks HTTP answers against the OpenAPI document of
// Portal API v1, for tests: a Validator checks one answer, and its Transport
// checks every answer a client sees and keeps the failures for the test to
// assert on.
//
// It is a separate package from openapi so that the portal, which links the
// document, does not link a document loader and a schema engine with it.
package openapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal/openapi"
)

// Validator checks answers against one OpenAPI document. It is safe for
// concurrent use, as the suites that wrap a client's transport with it run
// calls in parallel.
type Validator struct {
	doc    *openapi3.T
	routes []route

	mu       sync.Mutex
	failures []error
	seen     map[string]int
}

// route is one path template of the document, split for matching.
type route struct {
	template string
	segments []string // "{name}" for a parameter
	literals int
	item     *openapi3.PathItem
}

// New builds a Validator from the portal's own document.
func New() (*Validator, error) { return NewFromDocument(openapi.Document()) }

// NewFromDocument builds a Validator from any OpenAPI 3.0 document in JSON or
// YAML, which must itself be valid.
func NewFromDocument(data []byte) (*Validator, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("openapitest: load document: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("openapitest: invalid document: %w", err)
	}
	v := &Validator{doc: doc, seen: map[string]int{}}
	for template, item := range doc.Paths.Map() {
		r := route{template: template, segments: split(template), item: item}
		for _, s := range r.segments {
			if !isParam(s) {
				r.literals++
			}
		}
		v.routes = append(v.routes, r)
	}
	// The most specific template first, so that a literal segment beats a
	// parameter where both would match; then by name, for a stable order.
	sort.Slice(v.routes, func(i, j int) bool {
		a, b := v.routes[i], v.routes[j]
		if a.literals != b.literals {
			return a.literals > b.literals
		}
		return a.template < b.template
	})
	return v, nil
}

// Document is the loaded document, for tests that inspect it.
func (v *Validator) Document() *openapi3.T { return v.doc }

// Validate checks one answer to the request method and target (a path with
// an optional query, or an absolute URL whose scheme and host are ignored:
// the portal may listen on any port). It returns nil when the answer matches
// the document, else an error that names the operation and what is wrong.
//
// Beyond what the document's schemas say, it also requires that an answer
// documented without content has an empty body, that a problem document's
// status equals the HTTP status, and that JSON objects carry no property the
// document does not name (drift that a schema without additionalProperties:
// false would let through).
func (v *Validator) Validate(method, target string, status int, header http.Header, body []byte) error {
	u, err := url.Parse(target)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, target, err)
	}
	req := &http.Request{Method: method, URL: u, Header: http.Header{}}
	return v.validate(req, status, header, body)
}

// ValidateResponse is Validate for an answer already in hand; the body is
// read and put back, so the caller can still read it.
func (v *Validator) ValidateResponse(resp *http.Response) error {
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s %s: read body: %w", resp.Request.Method, resp.Request.URL.Path, err)
	}
	return v.validate(resp.Request, resp.StatusCode, resp.Header, body)
}

func (v *Validator) validate(req *http.Request, status int, header http.Header, body []byte) error {
	method := strings.ToUpper(req.Method)
	path := req.URL.EscapedPath()
	r, params, ok := v.match(path)
	if !ok {
		return fmt.Errorf("%s %s → %d: the path is not in the document", method, path, status)
	}
	op := r.item.GetOperation(method)
	if op == nil {
		return fmt.Errorf("%s %s → %d: %s %s is not in the document", method, path, status, method, r.template)
	}
	name := op.OperationID
	if name == "" {
		name = method + " " + r.template
	}
	v.mu.Lock()
	v.seen[fmt.Sprintf("%s %s %d", method, r.template, status)]++
	v.mu.Unlock()

	fail := func(format string, a ...any) error {
		return fmt.Errorf("%s %s → %d (%s): %s", method, path, status, name, fmt.Sprintf(format, a...))
	}

	// A copy of the request, so that routing by path alone does not depend on
	// the caller's host, and headers of the request never matter here.
	rv := &openapi3filter.RequestValidationInput{
		Request:    req.Clone(context.Background()),
		PathParams: params,
		Route: &routers.Route{
			Spec:      v.doc,
			Path:      r.template,
			PathItem:  r.item,
			Method:    method,
			Operation: op,
		},
		Options: &openapi3filter.Options{
			// The portal checks tokens; the document only says which calls
			// need one.
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		},
	}
	opts := &openapi3filter.Options{
		IncludeResponseStatus: true, // an undocumented status is a failure
		MultiError:            true, // every wrong field at once
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	}
	opts.WithCustomSchemaErrorFunc(shortSchemaError)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: rv,
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                opts,
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fail("%v", err)
	}

	resp := op.Responses.Status(status)
	if resp == nil || resp.Value == nil {
		return nil // ValidateResponse has refused undocumented statuses
	}
	if len(resp.Value.Content) == 0 {
		if len(body) > 0 {
			return fail("the document says no body, got %d bytes: %.200q", len(body), body)
		}
		return nil
	}
	mt, _, err := mime.ParseMediaType(header.Get("Content-Type"))
	if err != nil {
		return fail("Content-Type %q: %v", header.Get("Content-Type"), err)
	}
	if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return nil
	}
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return fail("body is not JSON: %v", err)
	}
	if mt == "application/problem+json" {
		if obj, ok := value.(map[string]any); ok {
			if s, ok := obj["status"].(float64); ok && int(s) != status {
				return fail("problem status %v differs from the HTTP status", s)
			}
		}
	}
	if media := resp.Value.Content.Get(header.Get("Content-Type")); media != nil && media.Schema != nil {
		var extra []string
		undocumented("", media.Schema.Value, value, &extra)
		if len(extra) > 0 {
			return fail("properties the document does not name: %s", strings.Join(extra, ", "))
		}
	}
	return nil
}

// ValidateRequest says whether the document calls a request valid: its
// path and method are documented, its path, query and header parameters
// and its body (Content-Type included) match their schemas, and it sends
// no query parameter the operation does not define (the document's rule:
// any other is 400). body is the request's body; req.Body is not read.
// Tokens are not checked: the document only says which calls need one.
func (v *Validator) ValidateRequest(req *http.Request, body []byte) error {
	method := strings.ToUpper(req.Method)
	path := req.URL.EscapedPath()
	r, params, ok := v.match(path)
	if !ok {
		return fmt.Errorf("%s %s: the path is not in the document", method, path)
	}
	op := r.item.GetOperation(method)
	if op == nil {
		return fmt.Errorf("%s %s: %s %s is not in the document", method, path, method, r.template)
	}
	declared := map[string]bool{}
	for _, ps := range []openapi3.Parameters{r.item.Parameters, op.Parameters} {
		for _, p := range ps {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
				declared[p.Value.Name] = true
			}
		}
	}
	for name := range req.URL.Query() {
		if !declared[name] {
			return fmt.Errorf("%s %s (%s): query parameter %q is not defined", method, path, op.OperationID, name)
		}
	}
	clone := req.Clone(context.Background())
	clone.Body = io.NopCloser(bytes.NewReader(body))
	in := &openapi3filter.RequestValidationInput{
		Request:    clone,
		PathParams: params,
		Route:      &routers.Route{Spec: v.doc, Path: r.template, PathItem: r.item, Method: method, Operation: op},
		Options:    &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	}
	in.Options.WithCustomSchemaErrorFunc(shortSchemaError)
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return fmt.Errorf("%s %s (%s): %w", method, path, op.OperationID, err)
	}
	return nil
}

// shortSchemaError says where and what, with the offending value cut short,
// instead of kin-openapi's default that prints the whole schema: a failure
// report of a suite should fit on a line.
func shortSchemaError(err *openapi3.SchemaError) string {
	value, _ := json.Marshal(err.Value)
	if len(value) > 120 {
		value = append(value[:117:117], "..."...)
	}
	reason := err.Reason
	if err.Origin != nil {
		// allOf and friends keep the branch's own error here.
		reason += ": " + err.Origin.Error()
	}
	return fmt.Sprintf("at /%s: %s (got %s)", strings.Join(err.JSONPointer(), "/"), reason, value)
}

// match finds the template of a path: literal segments compare exactly,
// parameter segments take any non-empty segment.
func (v *Validator) match(path string) (route, map[string]string, bool) {
	segs := split(path)
	for _, r := range v.routes {
		if len(r.segments) != len(segs) {
			continue
		}
		params := map[string]string{}
		ok := true
		for i, s := range r.segments {
			switch {
			case isParam(s):
				p, err := url.PathUnescape(segs[i])
				if segs[i] == "" || err != nil {
					ok = false
				}
				params[s[1:len(s)-1]] = p
			case s != segs[i]:
				ok = false
			}
			if !ok {
				break
			}
		}
		if ok {
			return r, params, true
		}
	}
	return route{}, nil, false
}

func split(path string) []string {
	return strings.Split(strings.TrimPrefix(path, "/"), "/")
}

func isParam(seg string) bool {
	return len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}'
}

// undocumented appends the JSON paths of object properties that the schema
// does not name. A schema that names no properties at all (free-form, such
// as an audit event's before and after) or allows additional ones is not
// checked below that point.
func undocumented(at string, s *openapi3.Schema, value any, out *[]string) {
	if s == nil {
		return
	}
	switch x := value.(type) {
	case map[string]any:
		props := properties(s)
		if len(props) == 0 || openAdditional(s) {
			return
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p, ok := props[k]
			if !ok {
				*out = append(*out, at+"."+k)
				continue
			}
			undocumented(at+"."+k, p, x[k], out)
		}
	case []any:
		items := itemsOf(s)
		for i, e := range x {
			undocumented(fmt.Sprintf("%s[%d]", at, i), items, e, out)
		}
	}
}

// properties merges the properties of a schema and of its allOf branches,
// the one composition the document uses.
func properties(s *openapi3.Schema) map[string]*openapi3.Schema {
	out := map[string]*openapi3.Schema{}
	for k, p := range s.Properties {
		if p != nil {
			out[k] = p.Value
		}
	}
	for _, b := range s.AllOf {
		if b == nil || b.Value == nil {
			continue
		}
		for k, p := range properties(b.Value) {
			if _, ok := out[k]; !ok {
				out[k] = p
			}
		}
	}
	return out
}

func openAdditional(s *openapi3.Schema) bool {
	if s.AdditionalProperties.Schema != nil || (s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has) {
		return true
	}
	return slices.ContainsFunc(s.AllOf, func(b *openapi3.SchemaRef) bool { return b != nil && b.Value != nil && openAdditional(b.Value) })
}

func itemsOf(s *openapi3.Schema) *openapi3.Schema {
	if s.Items != nil {
		return s.Items.Value
	}
	for _, b := range s.AllOf {
		if b != nil && b.Value != nil {
			if it := itemsOf(b.Value); it != nil {
				return it
			}
		}
	}
	return nil
}

// Transport wraps next so that every answer is validated; failures are kept
// (see Failures) and the answer reaches the caller unchanged, so a suite
// sees both the client's behaviour and the contract's.
func (v *Validator) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripper{v: v, next: next}
}

type roundTripper struct {
	v    *Validator
	next http.RoundTripper
}

func (rt roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := rt.next.RoundTrip(req)
	if err != nil || req.Method == http.MethodHead {
		return resp, err
	}
	body, rerr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if rerr != nil {
		// A body cut short is the caller's error to see, not a contract
		// verdict: hand back what came, then the same error.
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{rerr}))
		return resp, nil //nolint:nilerr // rerr is handed on through the body, where the caller reads it
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err := rt.v.validate(req, resp.StatusCode, resp.Header, body); err != nil {
		rt.v.record(err)
	}
	return resp, nil
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func (v *Validator) record(err error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.failures = append(v.failures, err)
}

// Failures returns the failures the Transport has recorded, oldest first.
func (v *Validator) Failures() []error {
	v.mu.Lock()
	defer v.mu.Unlock()
	return slices.Clone(v.failures)
}

// Err joins the recorded failures, or is nil when there are none.
func (v *Validator) Err() error { return errors.Join(v.Failures()...) }

// Seen counts the validated answers by "METHOD /template STATUS", e.g.
// "GET /v1/stores/{store_id} 404", so that a suite can check its coverage of
// the document.
func (v *Validator) Seen() map[string]int {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make(map[string]int, len(v.seen))
	for k, n := range v.seen {
		out[k] = n
	}
	return out
}

// Documented lists every "METHOD /template STATUS" of the document, sorted,
// to compare with Seen.
func (v *Validator) Documented() []string {
	var out []string
	for _, r := range v.routes {
		for method, op := range r.item.Operations() {
			for status := range op.Responses.Map() {
				out = append(out, method+" "+r.template+" "+status)
			}
		}
	}
	sort.Strings(out)
	return out
}

// T is the part of testing.TB that CheckAtCleanup needs.
type T interface {
	Helper()
	Cleanup(func())
	Errorf(format string, args ...any)
}

// CheckAtCleanup makes the test fail at its end if any answer the Transport
// saw did not match the document.
func (v *Validator) CheckAtCleanup(t T) {
	t.Helper()
	t.Cleanup(func() {
		for _, err := range v.Failures() {
			t.Errorf("contract: %v", err)
		}
	})
}
