package console

import (
	"net/http"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

// refusal is an error of the Service as a page shows it: the status the
// page is answered with, and the portal's words.
type refusal struct {
	Status int
	Detail string
	Fields []jwo.FieldError
}

// pageStatuses are the statuses of the pages that show a refusal of each
// kind; the JSON API says the same kinds with the same statuses.
var pageStatuses = map[portal.Kind]int{
	portal.KindBadRequest:         http.StatusBadRequest,
	portal.KindInvalid:            http.StatusUnprocessableEntity,
	portal.KindNotFound:           http.StatusNotFound,
	portal.KindNoCredentials:      http.StatusUnauthorized,
	portal.KindBadCredentials:     http.StatusUnauthorized,
	portal.KindForbidden:          http.StatusForbidden,
	portal.KindConflict:           http.StatusConflict,
	portal.KindPreconditionFailed: http.StatusPreconditionFailed,
	portal.KindBusy:               http.StatusTooManyRequests,
	portal.KindUnavailable:        http.StatusServiceUnavailable,
}

// refusalOf describes err; ok is false for a fault of the portal, whose
// text must not be shown.
func refusalOf(err error) (refusal, bool) {
	e, ok := portal.AsError(err)
	if !ok {
		return refusal{}, false
	}
	status, known := pageStatuses[e.Kind]
	if !known {
		return refusal{}, false
	}
	return refusal{Status: status, Detail: e.Detail, Fields: e.Fields}, true
}
