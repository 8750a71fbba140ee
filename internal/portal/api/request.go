package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

// decodeJSON reads a JSON object into dst strictly: an unknown field, a
// wrong type, malformed JSON or anything after the object is 400, a body over
// the cap is 413. An empty body is allowed only when optional.
func decodeJSON(r *http.Request, dst any, optional bool) error {
	if r.ContentLength > maxBodyBytes {
		return tooLarge("the request body is %d bytes; the limit is %d", r.ContentLength, maxBodyBytes)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge("the request body is larger than the limit of %d bytes", maxBodyBytes)
		}
		return badRequest("the request body could not be read: %v", err)
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		if optional {
			return nil
		}
		return badRequest("the request body is empty: send a JSON object")
	}
	if bytes.Equal(trimmed, []byte("null")) {
		// Decoding null into a struct succeeds and sets nothing, which would
		// make a PATCH of null a silent no-op.
		return badRequest("the request body must be a JSON object, not null")
	}
	if err := checkObjectKeys(body, dst); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return badRequest("%s", describeJSONError(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("the request body has data after the JSON object: send exactly one object")
	}
	return nil
}

// checkObjectKeys refuses what encoding/json lets through silently: a key
// given twice in one object (the last one would win, so two readers of the
// same body could see different values) and a field name that matches a
// field only when letter case is ignored. Malformed JSON is left to the
// decoder, which describes it.
func checkObjectKeys(body []byte, dst any) error {
	known := jsonFieldNames(reflect.TypeOf(dst))
	type frame struct {
		object  bool
		wantKey bool
		keys    map[string]bool
	}
	var stack []*frame
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			// The end, or a syntax error that the decoder names better.
			return nil //nolint:nilerr // decodeJSON reports it
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if top != nil && top.object && top.wantKey {
			key, _ := tok.(string)
			if top.keys[key] {
				return badRequest("field %q is given twice in one object: give each field once", key)
			}
			top.keys[key] = true
			top.wantKey = false
			if len(stack) == 1 && !known[key] {
				for name := range known {
					if strings.EqualFold(name, key) {
						return badRequest("unknown field %q: field names are case-sensitive, use %q", key, name)
					}
				}
			}
			continue
		}
		if top != nil && top.object {
			top.wantKey = true // this value ends the pair
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, &frame{object: d == '{', wantKey: true, keys: map[string]bool{}})
		}
	}
}

// jsonFieldNames are the JSON names of a struct's fields, as encoding/json
// reads its tags.
func jsonFieldNames(t reflect.Type) map[string]bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	names := map[string]bool{}
	if t.Kind() != reflect.Struct {
		return names
	}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-" || !f.IsExported():
		case f.Anonymous && name == "":
			for n := range jsonFieldNames(f.Type) {
				names[n] = true
			}
		case name == "":
			names[f.Name] = true
		default:
			names[name] = true
		}
	}
	return names
}

func describeJSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("the request body is not valid JSON (at byte %d): %v", syn.Offset, syn)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return fmt.Sprintf("the request body must be a JSON object, not %s", jsonValueName(typ.Value))
		}
		return fmt.Sprintf("field %q must be %s, not %s", typ.Field, jsonTypeName(typ.Type), jsonValueName(typ.Value))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the request body ends in the middle of the JSON object"
	}
	// "json: unknown field \"x\"" is the only other error a struct decode gives.
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return fmt.Sprintf("unknown field %s: the API rejects fields it does not define", f)
	}
	return "the request body could not be decoded: " + err.Error()
}

// jsonTypeName names the JSON type a Go type decodes from, in the words of
// JSON rather than Go ("an array", not "slice").
func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean (true or false)"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Pointer:
		return jsonTypeName(t.Elem())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "a " + t.Kind().String()
}

// jsonValueName names the kind of JSON value the decoder met ("number",
// "bool", "array", ...), with its article.
func jsonValueName(v string) string {
	switch v {
	case "array", "object":
		return "an " + v
	case "bool":
		return "a boolean"
	}
	if strings.HasPrefix(v, "number") {
		return "a number"
	}
	return "a " + v
}

// queryParams reads the query string, refusing parameters the call does not
// define (a typo would otherwise silently widen a filter) and repeated ones.
func queryParams(r *http.Request, allowed ...string) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest("the query string cannot be parsed: %v", err)
	}
	for k, vs := range q {
		known := false
		for _, a := range allowed {
			known = known || a == k
		}
		if !known {
			return nil, badRequest("unknown query parameter %q: this call accepts %s", k, strings.Join(allowed, ", "))
		}
		if len(vs) > 1 {
			return nil, badRequest("query parameter %q is given %d times: give it once", k, len(vs))
		}
	}
	return q, nil
}

// idListParam reads an optional comma-separated list of up to limit ids
// (what names them in errors), each checked by validate, sorted and without
// repeats; a list that is too long or holds a bad id is 400 naming the
// parameter.
func idListParam(q url.Values, name, what string, limit int, validate func(string) error) ([]string, error) {
	s := q.Get(name)
	if s == "" {
		return nil, nil
	}
	ids := strings.Split(s, ",")
	if len(ids) > limit {
		return nil, badRequest("%s lists %d %s; the limit is %d: split the list over several calls", name, len(ids), what, limit)
	}
	for _, id := range ids {
		if err := validate(id); err != nil {
			return nil, badRequest("%s=%q: %v; separate several ids with commas and no spaces", name, s, err)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// enumParam reads an optional enum parameter in any letter case, like the
// path's method segment; a value outside values is 400 naming the parameter.
func enumParam[T ~string](q url.Values, name, what string, values []T) (T, error) {
	s := q.Get(name)
	if s == "" {
		return "", nil
	}
	v := T(strings.ToUpper(s))
	if !slices.Contains(values, v) {
		return "", badRequest("%s=%q is not %s: use one of %s", name, s, what, strings.Join(jwo.Strings(values), ", "))
	}
	return v, nil
}

// intParam reads an optional positive integer parameter within [1, max].
func intParam(q url.Values, name string, def, max int) (int, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, badRequest("query parameter %s=%q is invalid: use a whole number from 1 to %d", name, s, max)
	}
	return n, nil
}

// pageParams reads the page_size and page_token of a list of kind: the
// size of the page and the cursor it starts after ("" for the first).
func (a *API) pageParams(q url.Values, kind string) (size int, after string, err error) {
	if size, err = intParam(q, "page_size", a.pageSize, portal.MaxPageSize); err != nil {
		return 0, "", err
	}
	after, err = decodePageToken(q, kind)
	return size, after, err
}

// nextPageToken is the next_page_token of a page whose next cursor is
// next: "" on the last page.
func nextPageToken(kind, next string) string {
	if next == "" {
		return ""
	}
	return encodePageToken(kind, next)
}

// pageToken is the cursor inside an opaque next_page_token. The list kind is
// part of it so that a token of one list is refused by another.
type pageToken struct {
	Kind  string `json:"k"`
	After string `json:"a"`
}

func encodePageToken(kind, after string) string {
	b, _ := json.Marshal(pageToken{Kind: kind, After: after})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodePageToken returns the cursor of a page token of the given kind; an
// empty token is the first page.
func decodePageToken(q url.Values, kind string) (string, error) {
	s := q.Get("page_token")
	if s == "" {
		return "", nil
	}
	bad := badRequest("page_token %q is not a token this list gave out: pass next_page_token from the previous page unchanged", s)
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", bad
	}
	var t pageToken
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil || t.Kind != kind || t.After == "" {
		return "", bad
	}
	return t.After, nil
}

// pathMethod parses the {method} path segment, in any letter case; an
// unknown method is 404 like an unknown path.
func pathMethod(r *http.Request) (jwo.Method, error) {
	s := r.PathValue("method")
	m, err := jwo.ParseMethod(s)
	if err != nil {
		return "", notFound("%v", err)
	}
	return m, nil
}
