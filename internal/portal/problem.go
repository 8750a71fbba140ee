package portal

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
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

// writeError answers with the problem document of err. An error that is not
// an apiError is a fault of the portal: it is logged with the request id and
// its text is not shown to the caller.
func (p *Portal) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		info := requestInfoFrom(r.Context())
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
