package console

import (
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

// The portal's words start with a capital letter on a page.
func TestRefusalsReadAsSentences(t *testing.T) {
	r, ok := refusalOf(&portal.Error{Kind: portal.KindInvalid, Detail: "endpoint_url: must be https",
		Fields: []jwo.FieldError{{Field: "endpoint_url", Message: "must be https"}, {Field: "sku", Message: "SKU is missing"}}})
	if !ok || r.Status != 422 || r.Detail != "endpoint_url: must be https" || r.Fields[0].Message != "Must be https" ||
		r.Fields[1].Message != "SKU is missing" || r.Fields[0].Field != "endpoint_url" {
		t.Errorf("refusal %+v", r)
	}
	if sentence("") != "" || sentence("über alles") != "Über alles" || sentence("1 connector") != "1 connector" || sentence("sku: missing") != "sku: missing" {
		t.Error("sentence")
	}
}
