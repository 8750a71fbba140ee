package httpstatus

import (
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

// Every kind the Service defines is a refusal a front end can answer with,
// and nothing else is.
func TestOf(t *testing.T) {
	for k := portal.KindBadRequest; k <= portal.KindUnavailable; k++ {
		status, ok := Of(k)
		if !ok || status < 400 || status > 599 {
			t.Errorf("kind %d: status %d, %t", k, status, ok)
		}
	}
	if status, ok := Of(portal.KindUnavailable + 1); ok {
		t.Errorf("an unknown kind has status %d", status)
	}
	if got, _ := Of(portal.KindPreconditionFailed); got != 412 {
		t.Errorf("KindPreconditionFailed is %d, want 412", got)
	}
}
