package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

func TestTypedErrors(t *testing.T) {
	predicates := map[string]func(error) bool{
		"IsUnauthorized":       IsUnauthorized,
		"IsForbidden":          IsForbidden,
		"IsNotFound":           IsNotFound,
		"IsConflict":           IsConflict,
		"IsPreconditionFailed": IsPreconditionFailed,
		"IsValidation":         IsValidation,
	}
	tests := []struct {
		status int
		want   string // the one predicate that must hold
	}{
		{http.StatusUnauthorized, "IsUnauthorized"},
		{http.StatusForbidden, "IsForbidden"},
		{http.StatusNotFound, "IsNotFound"},
		{http.StatusConflict, "IsConflict"},
		{http.StatusPreconditionFailed, "IsPreconditionFailed"},
		{http.StatusUnprocessableEntity, "IsValidation"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				writeProblem(w, tt.status, "it went wrong")
			})
			c := newTestClient(t, f.URL)
			_, err := c.GetStore(context.Background(), "s1")
			if err == nil {
				t.Fatal("no error")
			}
			// Wrapping by a caller must not hide the type.
			err = fmt.Errorf("read store: %w", err)
			for name, is := range predicates {
				if got := is(err); got != (name == tt.want) {
					t.Errorf("%s = %v", name, got)
				}
			}
			apiErr, ok := errors.AsType[*APIError](err)
			if !ok {
				t.Fatalf("errors.As *APIError failed on %T", err)
			}
			if apiErr.StatusCode != tt.status || apiErr.Problem.Status != tt.status || apiErr.Problem.Detail != "it went wrong" {
				t.Errorf("APIError = %+v", apiErr)
			}
			if StatusCode(err) != tt.status {
				t.Errorf("StatusCode = %d", StatusCode(err))
			}
			if f.count() != 1 {
				t.Errorf("%d requests, want 1: client errors are not retried", f.count())
			}
		})
	}
}

func TestValidationErrorCarriesFieldErrors(t *testing.T) {
	fieldErrs := []jwo.FieldError{
		{Field: "endpoint_type", Message: `host ends in .vpce.amazonaws.com: set endpoint_type = "PRIVATE"`},
		{Field: "endpoint_url", Message: "must use https"},
	}
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeProblem(w, http.StatusUnprocessableEntity, "the connector is invalid", fieldErrs...)
	})
	c := newTestClient(t, f.URL)
	_, _, err := c.PutConnector(context.Background(), "s1", jwo.MethodOrdering, jwo.ConnectorInput{}, Precondition{})
	if !IsValidation(err) {
		t.Fatalf("IsValidation(%v) = false", err)
	}
	if got := FieldErrors(err); !reflect.DeepEqual(got, fieldErrs) {
		t.Errorf("FieldErrors = %+v", got)
	}
	want := `PUT /v1/stores/s1/connectors/ordering: 422 Unprocessable Entity: the connector is invalid: ` +
		`endpoint_type: host ends in .vpce.amazonaws.com: set endpoint_type = "PRIVATE"; endpoint_url: must use https`
	if err.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", err, want)
	}
	if FieldErrors(errors.New("other")) != nil || FieldErrors(nil) != nil {
		t.Error("FieldErrors of a non-API error should be nil")
	}
}

func TestAPIErrorMessage(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeProblem(w, http.StatusPreconditionFailed, "connector is at version 4, not 3")
	})
	c := newTestClient(t, f.URL)
	_, _, err := c.PutConnector(context.Background(), "s1", jwo.MethodOrdering, jwo.ConnectorInput{}, Precondition{IfMatchVersion: 3})
	want := "PUT /v1/stores/s1/connectors/ordering: 412 Precondition Failed: connector is at version 4, not 3"
	if err == nil || err.Error() != want {
		t.Fatalf("Error() = %v, want %s", err, want)
	}
}

func TestNonJSONErrorBodyBecomesDetail(t *testing.T) {
	page := "<html>\n<body>\n<h1>502 Bad Gateway</h1>\n" + strings.Repeat("x", 1000) + "</body></html>"
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(page))
	})
	c := newTestClient(t, f.URL)
	_, err := c.GetStore(context.Background(), "s1")
	apiErr, ok := errors.AsType[*APIError](err)
	if !ok {
		t.Fatalf("want *APIError, got %v", err)
	}
	d := apiErr.Problem.Detail
	if !strings.HasPrefix(d, "<html> <body> <h1>502 Bad Gateway</h1>") || strings.Contains(d, "\n") || len([]rune(d)) > 201 {
		t.Errorf("Detail = %q, want a one-line excerpt", d)
	}
	if apiErr.Problem.Title != "Bad Request" || apiErr.Problem.Status != 400 {
		t.Errorf("Problem = %+v", apiErr.Problem)
	}
}

func TestEchoedTokenIsScrubbedFromErrors(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeProblem(w, http.StatusUnauthorized, "unknown token "+r.Header.Get("Authorization"))
	})
	c := newTestClient(t, f.URL)
	_, err := c.GetStore(context.Background(), "s1")
	if !IsUnauthorized(err) {
		t.Fatalf("want 401, got %v", err)
	}
	if s := fmt.Sprintf("%+v %#v", err, err); strings.Contains(s, testToken) {
		t.Errorf("the error shows the token: %s", s)
	}
}

func TestIsHelpersOnOtherErrors(t *testing.T) {
	for _, err := range []error{nil, errors.New("boom"), context.Canceled} {
		if IsNotFound(err) || IsConflict(err) || IsPreconditionFailed(err) || IsValidation(err) ||
			IsUnauthorized(err) || IsForbidden(err) || StatusCode(err) != 0 {
			t.Errorf("helpers claim %v is an API error", err)
		}
	}
}
