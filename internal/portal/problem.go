package portal

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// problemTypeBase prefixes every problem type. A URN names the kind of
// problem without promising a page that can be fetched.
const problemTypeBase = "urn:jwo:problem:"

// apiError is an error a handler returns to answer with a problem document.
// Handlers return errors; one place (writeError) turns them into answers.
type apiError struct {
	status int
	kind   string // the last part of the problem type
	detail string
	fields []jwo.FieldError
	header http.Header
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.kind, e.detail) }

func newError(status int, kind, format string, a ...any) *apiError {
	return &apiError{status: status, kind: kind, detail: fmt.Sprintf(format, a...)}
}

func badRequest(format string, a ...any) *apiError {
	return newError(http.StatusBadRequest, "bad-request", format, a...)
}

func notFound(format string, a ...any) *apiError {
	return newError(http.StatusNotFound, "not-found", format, a...)
}

func forbidden(format string, a ...any) *apiError {
	return newError(http.StatusForbidden, "forbidden", format, a...)
}

func conflict(kind, format string, a ...any) *apiError {
	return newError(http.StatusConflict, kind, format, a...)
}

func preconditionFailed(format string, a ...any) *apiError {
	return newError(http.StatusPreconditionFailed, "precondition-failed", format, a...)
}

func tooLarge(format string, a ...any) *apiError {
	return newError(http.StatusRequestEntityTooLarge, "payload-too-large", format, a...)
}

// invalid is a 422 naming every wrong field.
func invalid(fields []jwo.FieldError) *apiError {
	detail := "the request has invalid fields"
	if len(fields) == 1 {
		detail = fields[0].Error()
	} else if len(fields) > 1 {
		detail = fmt.Sprintf("%s (and %d more)", fields[0].Error(), len(fields)-1)
	}
	return &apiError{status: http.StatusUnprocessableEntity, kind: "validation", detail: detail, fields: fields}
}

func invalidField(field, format string, a ...any) *apiError {
	return invalid([]jwo.FieldError{{Field: field, Message: fmt.Sprintf(format, a...)}})
}

// unavailableRetryAfter is what a client is told to wait while the database
// cannot be reached: about the time a PostgreSQL restart or fail-over takes.
const unavailableRetryAfter = "2"

// databaseUnavailable is the 503 of a request that the database could not
// serve. A write that meets it is never half-written: its transaction
// committed whole or not at all (not at all unless the connection broke
// during the commit itself, which leaves the outcome unknown, as a 504 does).
func databaseUnavailable() *apiError {
	e := newError(http.StatusServiceUnavailable, "unavailable", "the portal's database is unavailable: retry in a few seconds")
	e.header = http.Header{"Retry-After": {unavailableRetryAfter}}
	return e
}

// writeError answers with the problem document of err. A database that
// cannot be reached is a 503 with Retry-After; any other error that is not
// an apiError is a fault of the portal: it is logged with the request id and
// its text is not shown to the caller.
func (p *Portal) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	switch info := requestInfoFrom(r.Context()); {
	case errors.As(err, &ae):
	case errors.Is(err, store.ErrUnavailable):
		p.log.WarnContext(r.Context(), "database unavailable", "request_id", info.id, "route", info.route, "error", err.Error())
		ae = databaseUnavailable()
	default:
		p.log.ErrorContext(r.Context(), "request failed", "request_id", info.id, "route", info.route, "error", err.Error())
		ae = newError(http.StatusInternalServerError, "internal", "the portal failed to handle the request; quote request id %s when reporting it", info.id)
	}
	for k, vs := range ae.header {
		w.Header()[k] = vs
	}
	writeProblem(w, r, ae.status, ae.kind, ae.detail, ae.fields)
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
