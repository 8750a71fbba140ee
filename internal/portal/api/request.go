package api

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
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
	if err := checkContentType(r, optional); err != nil {
		return err
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

// checkContentType refuses a body that does not say it is JSON (415): a
// body sent as text/plain or a form must not be read as JSON, as a
// browser's cross-site form could otherwise make one. A call whose body is
// optional may come without one, and then without a Content-Type.
func checkContentType(r *http.Request, optional bool) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" && optional && r.ContentLength <= 0 {
		return nil // an empty body is checked below, after it is read
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		if ct == "" {
			ct = "none"
		}
		return newProblem(http.StatusUnsupportedMediaType, "unsupported-media-type",
			"the request body's Content-Type is %s: send the JSON body with Content-Type: application/json", ct)
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
	nullable := nullableFields(reflect.TypeOf(dst))
	type frame struct {
		object  bool
		wantKey bool
		keys    map[string]bool
		key     string // the key of the value being read
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
			top.key = key
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
		if tok == nil && (len(stack) != 1 || !nullable[top.key]) {
			// Decoding null sets nothing, so a PATCH of {"region": null}
			// would answer 200 and change nothing.
			where := "an array element"
			if top != nil && top.object {
				where = fmt.Sprintf("field %q", top.key)
			}
			return badRequest("%s is null, which it may not be: leave the field out, or give it a value", where)
		}
		if top != nil && top.object {
			top.wantKey = true // this value ends the pair
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, &frame{object: d == '{', wantKey: true, keys: map[string]bool{}})
		}
	}
}

// nullableFields are the JSON names of a struct's fields that may be null:
// the lists, where null means none (the document marks them nullable); a
// pointer field means "absent: no change" and takes no null.
func nullableFields(t reflect.Type) map[string]bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	names := map[string]bool{}
	if t.Kind() != reflect.Struct {
		return names
	}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Type.Kind() == reflect.Slice && name != "-" && name != "" && f.IsExported() {
			names[name] = true
		}
	}
	return names
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
// define (a typo would otherwise silently widen a filter, or be taken for
// an option the call does not have) and repeated ones. serve calls it for
// every route; handlers read the result with queryOf.
func queryParams(r *http.Request, allowed ...string) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest("the query string cannot be parsed: %v", err)
	}
	for k, vs := range q {
		if !slices.Contains(allowed, k) {
			if len(allowed) == 0 {
				return nil, badRequest("unknown query parameter %q: this call takes no query parameters", k)
			}
			return nil, badRequest("unknown query parameter %q: this call accepts %s", k, strings.Join(allowed, ", "))
		}
		if len(vs) > 1 {
			return nil, badRequest("query parameter %q is given %d times: give it once", k, len(vs))
		}
	}
	return q, nil
}

// queryOf is the request's query as serve checked it.
func queryOf(r *http.Request) url.Values {
	if q := requestInfoFrom(r.Context()).query; q != nil {
		return q
	}
	return url.Values{}
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

// enumParam reads an optional enum parameter, spelled as the document's
// enum spells it (upper case): what a validator or a generated client
// accepts is what the portal accepts. A value outside values, in another
// case included, is 400 naming the parameter.
func enumParam[T ~string](q url.Values, name, what string, values []T) (T, error) {
	s := q.Get(name)
	if s == "" {
		return "", nil
	}
	v := T(s)
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
func (a *API) pageParams(r *http.Request, q url.Values, kind string) (size int, after string, err error) {
	if size, err = intParam(q, "page_size", a.pageSize, portal.MaxPageSize); err != nil {
		return 0, "", err
	}
	if q.Get("page_token") == "" {
		return size, "", nil
	}
	key, err := a.svc.PageTokenKey(r.Context())
	if err != nil {
		return 0, "", err
	}
	after, err = decodePageToken(key, q, kind)
	return size, after, err
}

// nextPageToken is the next_page_token of a page whose next cursor is
// next: "" on the last page.
func (a *API) nextPageToken(r *http.Request, kind, next string) (string, error) {
	if next == "" {
		return "", nil
	}
	key, err := a.svc.PageTokenKey(r.Context())
	if err != nil {
		return "", err
	}
	return encodePageToken(key, kind, next), nil
}

// pageToken is the cursor inside an opaque next_page_token. The list kind is
// part of it so that a token of one list is refused by another.
type pageToken struct {
	Kind  string `json:"k"`
	After string `json:"a"`
}

// pageTokenMACBytes is how much of the HMAC-SHA256 a page token carries:
// 128 bits, more than anyone can guess.
const pageTokenMACBytes = 16

// encodePageToken is the cursor, signed with the database's page-token key
// (portal.Service.PageTokenKey): PAYLOAD.MAC, both base64url. A caller
// cannot make a token that points anywhere the portal did not send it,
// and every replica on the database accepts the tokens of the others.
func encodePageToken(key []byte, kind, after string) string {
	b, _ := json.Marshal(pageToken{Kind: kind, After: after})
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + base64.RawURLEncoding.EncodeToString(pageTokenMAC(key, payload))
}

func pageTokenMAC(key []byte, payload string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	return m.Sum(nil)[:pageTokenMACBytes]
}

// decodePageToken returns the cursor of a page token of the given kind; an
// empty token is the first page. A token whose signature does not check
// out (forged, changed, or from a portal on another database) is 400.
func decodePageToken(key []byte, q url.Values, kind string) (string, error) {
	s := q.Get("page_token")
	if s == "" {
		return "", nil
	}
	bad := badRequest("page_token %q is not a token this list gave out: pass next_page_token from the previous page unchanged", jwo.TruncateUTF8(s, 100))
	payload, sig, ok := strings.Cut(s, ".")
	if !ok {
		return "", bad
	}
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, pageTokenMAC(key, payload)) {
		return "", bad
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
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

// pathMethod parses the {method} path segment: the method in lower case
// (canonical, as Location headers spell it) or as a connector's method
// field spells it (upper case), the two spellings the document's enum
// lists, so that a client may pass a connector's own method back. Any other
// spelling is 404 like an unknown path.
func pathMethod(r *http.Request) (jwo.Method, error) {
	s := r.PathValue("method")
	m, err := jwo.ParseMethod(s)
	if err != nil {
		return "", notFound("%v", err)
	}
	if s != m.PathSegment() && s != string(m) {
		return "", notFound("method %q is not spelled as the API spells it: use %q or %q", s, m.PathSegment(), string(m))
	}
	return m, nil
}
