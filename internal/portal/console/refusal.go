package console

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/httpstatus"
)

// refusal is an error of the Service as a page shows it: the status the
// page is answered with, and the portal's words.
type refusal struct {
	Status int
	Detail string
	Fields []jwo.FieldError
}

// refusalOf describes err; ok is false for a fault of the portal, whose
// text must not be shown.
func refusalOf(err error) (refusal, bool) {
	e, ok := portal.AsError(err)
	if !ok {
		return refusal{}, false
	}
	status, known := httpstatus.Of(e.Kind)
	if !known {
		return refusal{}, false
	}
	fields := make([]jwo.FieldError, len(e.Fields))
	for i, fe := range e.Fields {
		fields[i] = jwo.FieldError{Field: fe.Field, Message: sentence(fe.Message)}
	}
	return refusal{Status: status, Detail: sentence(e.Detail), Fields: fields}, true
}

// sentence starts the portal's words with a capital letter, as a page shows
// a sentence; the API keeps them as they are. A field's name that starts
// them ("endpoint_url: ...") keeps its spelling.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	word, _, _ := strings.Cut(s, " ")
	if n == 0 || !unicode.IsLower(r) || strings.ContainsAny(word, "_:") {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
