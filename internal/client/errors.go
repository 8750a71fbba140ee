package client

import "github.com/justwalkout/terraform-provider-jwo/internal/jwo"

// APIError is an answer with a status of 400 or more, with its problem document.
type APIError struct {
	Method     string
	Path       string
	StatusCode int
	Problem    jwo.Problem
}

func (e *APIError) Error() string { panic("client owner") }

// FieldErrors are the field errors of a 422 answer (nil otherwise).
func FieldErrors(err error) []jwo.FieldError { panic("client owner") }

func IsNotFound(err error) bool           { panic("client owner") } // 404
func IsConflict(err error) bool           { panic("client owner") } // 409
func IsPreconditionFailed(err error) bool { panic("client owner") } // 412
func IsValidation(err error) bool         { panic("client owner") } // 422
func IsUnauthorized(err error) bool       { panic("client owner") } // 401
func IsForbidden(err error) bool          { panic("client owner") } // 403
