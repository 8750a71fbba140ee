package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// APIError is an answer with a status of 400 or more, with its problem document.
// Find it in a wrapped error with errors.As, or ask the IsXxx helpers.
type APIError struct {
	Method     string
	Path       string // escaped API path, without query
	StatusCode int
	Problem    jwo.Problem
	Attempts   int // how many attempts the call made; > 1 when it was retried
	// Unanswered counts the earlier attempts whose answer was lost (a broken
	// connection, a timeout, a gateway's 502/504). When it is > 0 the portal
	// may have applied one of them, so a 412 or 404 may be this call's own
	// earlier attempt showing through: see AnswerLost.
	Unanswered int
}

// Error reads like "PUT /v1/stores/s1/connectors/ordering: 412 Precondition
// Failed: <detail>", followed by the field errors of a 422.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d %s", e.Method, e.Path, e.StatusCode, statusText(e.StatusCode, e.Problem.Title))
	if d := e.Problem.Detail; d != "" {
		b.WriteString(": ")
		b.WriteString(d)
	} else if t := e.Problem.Title; t != "" && !strings.EqualFold(t, http.StatusText(e.StatusCode)) {
		b.WriteString(": ")
		b.WriteString(t)
	}
	for i, fe := range e.Problem.Errors {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(fe.Error())
	}
	if e.Problem.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.Problem.RequestID)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

func statusText(code int, title string) string {
	if t := http.StatusText(code); t != "" {
		return t
	}
	if title != "" {
		return title
	}
	return "Unknown Status"
}

// apiError reads the problem document of a failed answer. A body that is not
// a problem (a proxy's HTML page, plain text) still gives a useful error: a
// short excerpt of it becomes the detail.
func (c *Client) apiError(r request, resp *http.Response, attempts int, secrets []string) *APIError {
	e := &APIError{Method: r.method, Path: r.path, StatusCode: resp.StatusCode, Attempts: attempts}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxDrainBytes))

	var p jwo.Problem
	if isJSON(resp.Header.Get("Content-Type")) && json.Unmarshal(body, &p) == nil &&
		(p.Type != "" || p.Title != "" || p.Detail != "" || len(p.Errors) > 0) {
		e.Problem = p
	} else {
		e.Problem.Detail = excerpt(body, 200)
	}
	if e.Problem.Status == 0 {
		e.Problem.Status = resp.StatusCode
	}
	if e.Problem.Title == "" {
		e.Problem.Title = http.StatusText(resp.StatusCode)
	}
	scrub(&e.Problem, secrets)
	return e
}

// redirectError is the answer to a 3xx, which the client never follows: the
// detail names where the portal pointed, without any user info in it, so the
// operator can correct the endpoint.
func (c *Client) redirectError(r request, resp *http.Response, attempts int, secrets []string) *APIError {
	loc := resp.Header.Get("Location")
	where := "without a Location"
	if loc != "" {
		if u, err := resp.Request.URL.Parse(loc); err == nil {
			where = "to " + u.Redacted()
		} else {
			where = "to an unparsable Location " + strconv.Quote(excerpt([]byte(loc), 200))
		}
	}
	e := &APIError{Method: r.method, Path: r.path, StatusCode: resp.StatusCode, Attempts: attempts}
	e.Problem = jwo.Problem{
		Status: resp.StatusCode,
		Title:  http.StatusText(resp.StatusCode),
		Detail: "the portal answered with a redirect " + where + "; the client follows no redirect, so that the token " +
			"is never sent anywhere else: set the endpoint to the portal's own base URL",
	}
	scrub(&e.Problem, secrets)
	return e
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		// No or malformed Content-Type: try JSON anyway, the excerpt
		// fallback covers a body that is not.
		return true
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// excerpt is the start of b on one line, at most n runes.
func excerpt(b []byte, n int) string {
	s := strings.Join(strings.FieldsFunc(string(b), unicode.IsSpace), " ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, s)
	if rs := []rune(s); len(rs) > n {
		return string(rs[:n]) + "…"
	}
	return s
}

// scrub removes the secrets of the request (its bearer token, an
// exchange's JWT) from text that the server sent, in case a proxy or a
// buggy server echoes the request: errors end up in logs and terminals.
func scrub(p *jwo.Problem, secrets []string) {
	r := redactor(secrets)
	p.Type, p.Title, p.Detail, p.Instance = r.Replace(p.Type), r.Replace(p.Title), r.Replace(p.Detail), r.Replace(p.Instance)
	for i := range p.Errors {
		p.Errors[i].Field = r.Replace(p.Errors[i].Field)
		p.Errors[i].Message = r.Replace(p.Errors[i].Message)
	}
}

// redactor replaces each non-empty secret with "<redacted>".
func redactor(secrets []string) *strings.Replacer {
	var pairs []string
	for _, s := range secrets {
		if s != "" {
			pairs = append(pairs, s, "<redacted>")
		}
	}
	return strings.NewReplacer(pairs...)
}

// StatusCode is the HTTP status of the *APIError in err, or 0 when err holds
// none (success, or a transport failure).
func StatusCode(err error) int {
	if e, ok := errors.AsType[*APIError](err); ok {
		return e.StatusCode
	}
	return 0
}

// FieldErrors are the field errors of a 422 answer (nil otherwise).
func FieldErrors(err error) []jwo.FieldError {
	if e, ok := errors.AsType[*APIError](err); ok && e.StatusCode == http.StatusUnprocessableEntity {
		return e.Problem.Errors
	}
	return nil
}

// AnswerLost says whether err is an answer to a retry of a call whose earlier
// attempt may have been applied without its answer arriving. A caller that
// gets a 412 on a conditional write can then read the object back and take
// its own write for done if the object holds what it asked for.
func AnswerLost(err error) bool {
	e, ok := errors.AsType[*APIError](err)
	return ok && e.Unanswered > 0
}

func IsNotFound(err error) bool           { return StatusCode(err) == http.StatusNotFound }
func IsConflict(err error) bool           { return StatusCode(err) == http.StatusConflict }
func IsPreconditionFailed(err error) bool { return StatusCode(err) == http.StatusPreconditionFailed }
func IsValidation(err error) bool         { return StatusCode(err) == http.StatusUnprocessableEntity }
func IsUnauthorized(err error) bool       { return StatusCode(err) == http.StatusUnauthorized }
func IsForbidden(err error) bool          { return StatusCode(err) == http.StatusForbidden }
