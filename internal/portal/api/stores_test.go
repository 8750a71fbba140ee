package api

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

func storeIDs(page jwo.StorePage) []string {
	var ids []string
	for _, s := range page.Stores {
		ids = append(ids, s.ID)
	}
	return ids
}

func TestListStoresFilters(t *testing.T) {
	e := newEnv(t)
	e.must(201, "PUT", "/v1/stores/acme-dash-01/connectors/ordering", "operator", connectorBody(publicURL, jwo.EndpointPublic))
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"acme-dash-01", "acme-none", "acme-sea-01"}},
		{"store_type=JWO", []string{"acme-none", "acme-sea-01"}},
		{"store_type=DASH_CART", []string{"acme-dash-01"}},
		{"completion_status=COMPLETE", []string{"acme-dash-01"}},
		{"completion_status=INCOMPLETE", []string{"acme-sea-01"}},
		{"completion_status=NOT_REQUIRED", []string{"acme-none"}},
		{"method=IDENTITY", []string{"acme-sea-01"}},
		{"method=ORDERING", []string{"acme-dash-01", "acme-sea-01"}},
		{"method=ORDERING&store_type=JWO&completion_status=INCOMPLETE", []string{"acme-sea-01"}},
		{"store_type=JWO&completion_status=COMPLETE", nil},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			var page jwo.StorePage
			e.must(200, "GET", "/v1/stores?"+tc.query, "viewer", "").json(t, &page)
			if got := storeIDs(page); !slices.Equal(got, tc.want) {
				t.Errorf("stores %v, want %v", got, tc.want)
			}
			if page.Stores == nil || page.NextPageToken != "" {
				t.Errorf("stores must be a list and the only page has no next token: %+v", page)
			}
		})
	}
}

func TestListStoresRefusesBadParameters(t *testing.T) {
	e := newEnv(t)
	tests := []struct{ query, names string }{
		{"store_type=KIOSK", "store_type"},
		{"completion_status=DONE", "completion_status"},
		{"method=PAYMENT", "method"},
		{"page_size=0", "page_size"},
		{"page_size=1001", "page_size"},
		{"page_size=ten", "page_size"},
		{"page_token=garbage!", "page_token"},
		{"page_token=" + e.pageToken("catalog", "x"), "page_token"},
		{"store_typ=JWO", "store_typ"},
		{"store_type=JWO&store_type=DASH_CART", "store_type"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			p := e.must(400, "GET", "/v1/stores?"+tc.query, "viewer", "").problem(t)
			if !strings.Contains(p.Detail, tc.names) {
				t.Errorf("detail %q does not name %s", p.Detail, tc.names)
			}
		})
	}
}

// Pages follow each other without gaps or repeats, with and without a
// filter that skips stores between pages.
func TestListStoresPaginates(t *testing.T) {
	e := newEnv(t, func(o *envOptions) { o.PageSize = 2 })
	for i := range 7 {
		typ := "JWO"
		if i%2 == 1 {
			typ = "DASH_CART"
		}
		body := fmt.Sprintf(`{"id":"p-%02d","name":"P","store_type":%q,"region":"us-east-1","fraud_and_abuse_strategy":"NONE","order_delegation":false,"loyalty_program":false}`, i, typ)
		e.must(201, "POST", "/v1/stores", "admin", body)
	}
	collect := func(query string) ([]string, int) {
		var all []string
		pages := 0
		token := ""
		for {
			q := query
			if token != "" {
				q += "&page_token=" + url.QueryEscape(token)
			}
			var page jwo.StorePage
			e.must(200, "GET", "/v1/stores?"+q, "viewer", "").json(t, &page)
			pages++
			all = append(all, storeIDs(page)...)
			if page.NextPageToken == "" {
				return all, pages
			}
			token = page.NextPageToken
			if pages > 20 {
				t.Fatal("pagination does not end")
			}
		}
	}
	all, pages := collect("page_size=3")
	want := []string{"acme-dash-01", "acme-none", "acme-sea-01", "p-00", "p-01", "p-02", "p-03", "p-04", "p-05", "p-06"}
	if !slices.Equal(all, want) || pages != 4 {
		t.Errorf("page_size=3: %v in %d pages, want %v in 4", all, pages, want)
	}
	all, pages = collect("store_type=DASH_CART")
	want = []string{"acme-dash-01", "p-01", "p-03", "p-05"}
	if !slices.Equal(all, want) || pages != 2 {
		t.Errorf("default page size 2, DASH_CART: %v in %d pages, want %v in 2", all, pages, want)
	}
	all, _ = collect("completion_status=NOT_REQUIRED")
	if len(all) != 8 {
		t.Errorf("NOT_REQUIRED across pages: %v", all)
	}
}

func TestGetStoreAndCompletion(t *testing.T) {
	e := newEnv(t)
	e.must(201, "PUT", "/v1/stores/acme-sea-01/connectors/LOYALTY", "operator", connectorBody(publicURL, jwo.EndpointPublic))
	var st jwo.Store
	e.must(200, "GET", "/v1/stores/acme-sea-01", "viewer", "").json(t, &st)
	all := []jwo.Method{jwo.MethodIdentity, jwo.MethodLoyalty, jwo.MethodOrdering, jwo.MethodFraudAndAbuse}
	if st.Name != "Acme Seattle 1" || !slices.Equal(st.RequiredMethods, all) || st.CompletionStatus != jwo.CompletionIncomplete ||
		!slices.Equal(st.MissingMethods, []jwo.Method{jwo.MethodIdentity, jwo.MethodOrdering, jwo.MethodFraudAndAbuse}) {
		t.Errorf("store = %+v", st)
	}
	var c jwo.Completion
	e.must(200, "GET", "/v1/stores/acme-sea-01/completion", "viewer", "").json(t, &c)
	if c.StoreID != "acme-sea-01" || c.CompletionStatus != jwo.CompletionIncomplete ||
		!slices.Equal(c.ConfiguredMethods, []jwo.Method{jwo.MethodLoyalty}) || len(c.MissingMethods) != 3 {
		t.Errorf("completion = %+v", c)
	}
	e.must(200, "GET", "/v1/stores/acme-none/completion", "viewer", "").json(t, &c)
	if c.CompletionStatus != jwo.CompletionNotRequired || c.RequiredMethods == nil || c.MissingMethods == nil {
		t.Errorf("completion = %+v", c)
	}
	e.must(404, "GET", "/v1/stores/nope", "viewer", "")
	e.must(404, "GET", "/v1/stores/nope/completion", "viewer", "")
	// An id no store can have names no store: 404, as the document says.
	e.must(404, "GET", "/v1/stores/bad%20id", "viewer", "")
	e.must(404, "PUT", "/v1/stores/bad.id/connectors/ordering", "operator", connectorBody(publicURL, jwo.EndpointPublic))
}

func TestCreateStore(t *testing.T) {
	e := newEnv(t)
	valid := `{"id":"acme-new","name":"New","store_type":"JWO","region":"us-east-1","entry_methods":["BADGE"],"fraud_and_abuse_strategy":"NONE","order_delegation":false,"loyalty_program":false}`
	r := e.must(201, "POST", "/v1/stores", "admin", valid)
	var st jwo.Store
	r.json(t, &st)
	if st.ID != "acme-new" || !slices.Equal(st.RequiredMethods, []jwo.Method{jwo.MethodIdentity}) || r.header.Get("Location") != "/v1/stores/acme-new" {
		t.Errorf("created %+v, Location %q", st, r.header.Get("Location"))
	}
	e.must(200, "GET", "/v1/stores/acme-new", "viewer", "")
	e.must(409, "POST", "/v1/stores", "admin", valid)
	// Store ids are per merchant: globex may have its own acme-new.
	e.must(201, "POST", "/v1/stores", "other", valid)

	p := e.must(422, "POST", "/v1/stores", "admin", `{"id":"bad id","name":"","store_type":"SHOP","region":"mars","fraud_and_abuse_strategy":"X"}`).problem(t)
	var fields []string
	for _, fe := range p.Errors {
		fields = append(fields, fe.Field)
	}
	if want := []string{"id", "name", "store_type", "region", "fraud_and_abuse_strategy"}; !slices.Equal(fields, want) {
		t.Errorf("422 fields %v, want %v (%+v)", fields, want, p)
	}
}

func TestPatchStore(t *testing.T) {
	e := newEnv(t)
	before := e.auditCount("acme")
	var st jwo.Store
	e.must(200, "PATCH", "/v1/stores/acme-none", "admin", `{"loyalty_program":true,"name":"Plain+"}`).json(t, &st)
	if st.Name != "Plain+" || !st.LoyaltyProgram || st.CompletionStatus != jwo.CompletionIncomplete || st.Region != "eu-west-1" {
		t.Errorf("patched %+v", st)
	}
	if n := e.auditCount("acme"); n != before+1 {
		t.Errorf("audit events %d, want %d", n, before+1)
	}
	e.must(200, "PATCH", "/v1/stores/acme-none", "admin", `{"name":"Plain+"}`)
	if n := e.auditCount("acme"); n != before+1 {
		t.Errorf("a PATCH that changes nothing wrote an audit event")
	}
	p := e.must(422, "PATCH", "/v1/stores/acme-none", "admin", `{"region":"nowhere"}`).problem(t)
	if len(p.Errors) != 1 || p.Errors[0].Field != "region" {
		t.Errorf("422 %+v", p)
	}
	e.must(400, "PATCH", "/v1/stores/acme-none", "admin", `{"id":"renamed"}`)
	e.must(404, "PATCH", "/v1/stores/nope", "admin", `{"name":"x"}`)
}
