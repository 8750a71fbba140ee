package portal

import (
	"errors"
	"fmt"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// Kind is what went wrong with a call of the service, in the service's
// terms; each front end says it in its own (api: an HTTP status and a
// problem type; console: a page).
type Kind int

// The kinds of Error.
const (
	// KindBadRequest: the call itself is malformed (an id no object can
	// have, a cursor the service never gave out, a list over its limit).
	KindBadRequest Kind = iota + 1
	// KindInvalid: fields of the input break a rule; Error.Fields names them.
	KindInvalid
	KindNotFound
	// KindNoCredentials: the call carries no token at all.
	KindNoCredentials
	// KindBadCredentials: the token is unknown, revoked or expired.
	KindBadCredentials
	// KindForbidden: the caller's role may not do this.
	KindForbidden
	// KindConflict: the call contradicts what is saved; Error.Code says how.
	KindConflict
	// KindPreconditionFailed: a version the caller based the call on is not
	// the saved one.
	KindPreconditionFailed
	// KindBusy: the caller is at a bound; Error.RetryAfter says when to retry.
	KindBusy
	// KindUnavailable: the database cannot be reached; nothing was written.
	KindUnavailable
)

// Error is an error of the service that a caller can act on: its text is
// meant for the caller. Any other error is a fault of the portal.
type Error struct {
	Kind Kind
	// Code names the problem more precisely than Kind where a client may
	// tell cases apart ("method-not-applicable", "too-many-runs"); "" when
	// Kind says it all.
	Code   string
	Detail string
	Fields []jwo.FieldError // KindInvalid: what is wrong with which field
	// RetryAfter is when the same call may succeed; 0 when no wait helps.
	RetryAfter time.Duration
}

func (e *Error) Error() string { return e.Detail }

// AsError is the Error that err is or wraps. A database that cannot be
// reached is one too (KindUnavailable); ok is false for a fault of the
// portal, whose text must not be shown.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	if errors.Is(err, store.ErrUnavailable) {
		return &Error{Kind: KindUnavailable, Detail: "the portal's database is unavailable: retry in a few seconds",
			RetryAfter: unavailableRetryAfter}, true
	}
	return nil, false
}

// IsKind says whether err is an Error of kind k.
func IsKind(err error, k Kind) bool {
	e, ok := AsError(err)
	return ok && e.Kind == k
}

// unavailableRetryAfter is about the time a PostgreSQL restart or fail-over
// takes.
const unavailableRetryAfter = 2 * time.Second

func newError(k Kind, format string, a ...any) *Error {
	return &Error{Kind: k, Detail: fmt.Sprintf(format, a...)}
}

func badRequest(format string, a ...any) *Error { return newError(KindBadRequest, format, a...) }

func notFound(format string, a ...any) *Error { return newError(KindNotFound, format, a...) }

func forbidden(format string, a ...any) *Error { return newError(KindForbidden, format, a...) }

func conflict(code, format string, a ...any) *Error {
	e := newError(KindConflict, format, a...)
	e.Code = code
	return e
}

func preconditionFailed(format string, a ...any) *Error {
	return newError(KindPreconditionFailed, format, a...)
}

// invalid names every wrong field; its detail is the first of them.
func invalid(fields []jwo.FieldError) *Error {
	detail := "the request has invalid fields"
	if len(fields) == 1 {
		detail = fields[0].Error()
	} else if len(fields) > 1 {
		detail = fmt.Sprintf("%s (and %d more)", fields[0].Error(), len(fields)-1)
	}
	return &Error{Kind: KindInvalid, Detail: detail, Fields: fields}
}

func invalidField(field, format string, a ...any) *Error {
	return invalid([]jwo.FieldError{{Field: field, Message: fmt.Sprintf(format, a...)}})
}
