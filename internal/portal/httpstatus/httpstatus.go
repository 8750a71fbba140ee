// Package httpstatus says each kind of the Service's errors as an HTTP
// status, once for the two front ends that answer in HTTP: the JSON API and
// the console. The Service's errors know no HTTP.
package httpstatus

import (
	"net/http"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

var statuses = map[portal.Kind]int{
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

// Of is the status of an answer that refuses with kind; ok is false for a
// kind no front end shows (a fault of the portal is a 500 without its text).
func Of(kind portal.Kind) (status int, ok bool) {
	status, ok = statuses[kind]
	return status, ok
}
