package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/httpstatus"
)

// problemTypeBase prefixes every problem type. A URN names the kind of
// problem without promising a page that can be fetched.
const problemTypeBase = "urn:jwo:problem:"

// problem is an answer of the API that is not a success: what the request
// itself got wrong (a bad query, a body over the cap) or what the Service
// refused, as HTTP says it. Handlers return errors; writeError turns them
// into problem documents.
type problem struct {
	status int
	kind   string // the last part of the problem type
	detail string
	fields []jwo.FieldError
	header http.Header
}

func (e *problem) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.kind, e.detail) }

func newProblem(status int, kind, format string, a ...any) *problem {
	return &problem{status: status, kind: kind, detail: fmt.Sprintf(format, a...)}
}

func badRequest(format string, a ...any) *problem {
	return newProblem(http.StatusBadRequest, "bad-request", format, a...)
}

func notFound(format string, a ...any) *problem {
	return newProblem(http.StatusNotFound, "not-found", format, a...)
}

func tooLarge(format string, a ...any) *problem {
	return newProblem(http.StatusRequestEntityTooLarge, "payload-too-large", format, a...)
}

// problemTypes are the problem types of the Service's kinds of error, used
// when the error names no code of its own; httpstatus says their statuses.
var problemTypes = map[portal.Kind]string{
	portal.KindBadRequest:         "bad-request",
	portal.KindInvalid:            "validation",
	portal.KindNotFound:           "not-found",
	portal.KindNoCredentials:      "unauthorized",
	portal.KindBadCredentials:     "unauthorized",
	portal.KindForbidden:          "forbidden",
	portal.KindConflict:           "conflict",
	portal.KindPreconditionFailed: "precondition-failed",
	portal.KindBusy:               "too-many-requests",
	portal.KindUnavailable:        "unavailable",
}

const authRealm = `Bearer realm="jwo-portal"`

// problemOf says an error of the Service in HTTP; ok is false for a fault
// of the portal.
func problemOf(err error) (*problem, bool) {
	e, ok := portal.AsError(err)
	if !ok {
		return nil, false
	}
	status, known := httpstatus.Of(e.Kind)
	if !known {
		return nil, false
	}
	p := &problem{status: status, kind: problemTypes[e.Kind], detail: e.Detail, fields: e.Fields, header: http.Header{}}
	if e.Code != "" {
		p.kind = e.Code
	}
	if e.RetryAfter > 0 {
		p.header.Set("Retry-After", strconv.Itoa(max(1, int(e.RetryAfter.Seconds()))))
	}
	switch e.Kind {
	case portal.KindNoCredentials:
		p.header.Set("WWW-Authenticate", authRealm)
	case portal.KindBadCredentials:
		p.header.Set("WWW-Authenticate", authRealm+`, error="invalid_token"`)
	}
	return p, true
}

// databaseUnavailable is the 503 of a request that the database could not
// serve. A write that meets it is never half-written: its transaction
// committed whole or not at all (not at all unless the connection broke
// during the commit itself, which leaves the outcome unknown, as a 504 does).
func databaseUnavailable() error {
	p := newProblem(http.StatusServiceUnavailable, "unavailable", "the portal's database is unavailable: retry in a few seconds")
	p.header = http.Header{"Retry-After": {"2"}}
	return p
}

// writeError answers with the problem document of err. A database that
// cannot be reached is a 503 with Retry-After; any other error that is not
// the Service's or the request's is a fault of the portal: it is logged with
// the request id and its text is not shown to the caller.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	info := requestInfoFrom(r.Context())
	p, ok := (*problem)(nil), false
	if errors.As(err, &p) {
		ok = true
	} else if p, ok = problemOf(err); ok && p.status == http.StatusServiceUnavailable {
		a.log.WarnContext(r.Context(), "database unavailable", "request_id", info.id, "route", info.route, "error", err.Error())
	}
	if !ok {
		a.log.ErrorContext(r.Context(), "request failed", "request_id", info.id, "route", info.route, "error", err.Error())
		p = newProblem(http.StatusInternalServerError, "internal", "the portal failed to handle the request; quote request id %s when reporting it", info.id)
	}
	for k, vs := range p.header {
		w.Header()[k] = vs
	}
	writeProblem(w, r, p.status, p.kind, p.detail, p.fields)
}

func writeProblem(w http.ResponseWriter, r *http.Request, status int, kind, detail string, fields []jwo.FieldError) {
	pr := jwo.Problem{
		Type:      problemTypeBase + kind,
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    detail,
		Instance:  r.URL.Path,
		RequestID: requestInfoFrom(r.Context()).id,
		Errors:    fields,
	}
	b, err := json.Marshal(pr)
	if err != nil {
		b = []byte(`{"type":"` + problemTypeBase + `internal","title":"Internal Server Error","status":500}`)
		status = http.StatusInternalServerError
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Content-Length", fmt.Sprint(len(b)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n')) // a failed write means the client went away
}
