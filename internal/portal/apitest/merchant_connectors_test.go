package apitest

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// connectorKeys are the STORE_ID/METHOD of a list, in its order.
func connectorKeys(cs []jwo.Connector) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.StoreID+"/"+string(c.Method))
	}
	return out
}

// TestMerchantConnectors: GET /v1/connectors lists every connector of the
// merchant in (store_id, method) order, page by page, with each filter
// narrowing it, and never one of another merchant.
func TestMerchantConnectors(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	srv, _ := sampleConnector(t)

	if cs, err := e.viewer.AllMerchantConnectors(ctx, client.ConnectorFilter{}); err != nil || len(cs) != 0 {
		t.Fatalf("a merchant without connectors: %v, %v; want an empty list", cs, err)
	}
	for _, m := range jwo.Methods {
		put(t, e.operator, storeFull, m, closedPort(t))
	}
	put(t, e.operator, storeCart, jwo.MethodOrdering, srv.URL)
	if r := run(t, e.operator, storeCart, jwo.MethodOrdering, skuWater); r.Status != jwo.TestSuccessful {
		t.Fatalf("run against the sample connector: %+v", r)
	}
	put(t, e.other, storeOurs, jwo.MethodOrdering, closedPort(t)+"/globex")

	all := []string{
		storeCart + "/ORDERING",
		storeFull + "/FRAUD_AND_ABUSE", storeFull + "/IDENTITY", storeFull + "/LOYALTY", storeFull + "/ORDERING",
	}
	// Page size 2 gives three pages, the last one short: every page
	// boundary falls between two methods or two stores.
	var walked []jwo.Connector
	token, pagesSeen := "", 0
	for {
		page, err := e.viewer.ListMerchantConnectors(ctx, client.ConnectorFilter{PageSize: 2}, token)
		if err != nil {
			t.Fatal(err)
		}
		pagesSeen++
		if len(page.Connectors) > 2 {
			t.Errorf("page of %d connectors for page_size 2", len(page.Connectors))
		}
		walked = append(walked, page.Connectors...)
		if token = page.NextPageToken; token == "" {
			break
		}
	}
	if got := connectorKeys(walked); !slices.Equal(got, all) || pagesSeen != 3 {
		t.Errorf("walked %d pages: %v, want 3 pages of %v", pagesSeen, got, all)
	}
	one, err := e.viewer.GetConnector(ctx, storeCart, jwo.MethodOrdering)
	if err != nil {
		t.Fatal(err)
	}
	if !equalJSON(t, walked[0], one) {
		t.Errorf("listed %+v, GET answers %+v", walked[0], one)
	}

	for _, tc := range []struct {
		name string
		f    client.ConnectorFilter
		want []string
	}{
		{"method", client.ConnectorFilter{Method: jwo.MethodOrdering}, []string{storeCart + "/ORDERING", storeFull + "/ORDERING"}},
		{"store_type", client.ConnectorFilter{StoreType: jwo.StoreTypeDashCart}, []string{storeCart + "/ORDERING"}},
		{"connectivity_status", client.ConnectorFilter{ConnectivityStatus: jwo.ConnectivitySuccessful}, []string{storeCart + "/ORDERING"}},
		{"connectivity_status UNTESTED", client.ConnectorFilter{ConnectivityStatus: jwo.ConnectivityUntested}, all[1:]},
		{"one store", client.ConnectorFilter{StoreIDs: []string{storeCart}}, []string{storeCart + "/ORDERING"}},
		{"two stores", client.ConnectorFilter{StoreIDs: []string{storeFull, storeCart}}, all},
		{"filters combine", client.ConnectorFilter{StoreIDs: []string{storeFull}, Method: jwo.MethodLoyalty}, []string{storeFull + "/LOYALTY"}},
		// An id of no store and one of Globex's store match nothing: the
		// answer is the same as for ids that exist but have no connector.
		{"unknown and foreign ids", client.ConnectorFilter{StoreIDs: []string{ghostStore, storeOurs}}, []string{}},
		{"a store without connectors", client.ConnectorFilter{StoreIDs: []string{storeNone}}, []string{}},
		{"foreign id beside ours", client.ConnectorFilter{StoreIDs: []string{storeOurs, storeCart}}, []string{storeCart + "/ORDERING"}},
	} {
		cs, err := e.viewer.AllMerchantConnectors(ctx, tc.f)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := connectorKeys(cs); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}

	// More ids than one call takes: the client's walk splits them and keeps
	// the order.
	many := []string{storeFull}
	for i := range 150 {
		many = append(many, fmt.Sprintf("acme-none-%03d", i))
	}
	many = append(many, storeCart)
	if cs, err := e.viewer.AllMerchantConnectors(ctx, client.ConnectorFilter{StoreIDs: many}); err != nil || !slices.Equal(connectorKeys(cs), all) {
		t.Errorf("152 store ids: %v, %v; want %v", connectorKeys(cs), err, all)
	}

	// Globex sees its one connector, never Acme's, even when it names them.
	cs, err := e.other.AllMerchantConnectors(ctx, client.ConnectorFilter{})
	if err != nil || !slices.Equal(connectorKeys(cs), []string{storeOurs + "/ORDERING"}) {
		t.Errorf("Globex's list: %v, %v", connectorKeys(cs), err)
	}
	cs, err = e.other.AllMerchantConnectors(ctx, client.ConnectorFilter{StoreIDs: []string{storeFull, storeCart}})
	if err != nil || len(cs) != 0 {
		t.Errorf("Globex naming Acme's stores: %v, %v; want nothing", connectorKeys(cs), err)
	}
}

// TestMerchantConnectorsBadQuery: a bad filter is 400 with a detail that
// names the parameter, never an empty or widened list.
func TestMerchantConnectorsBadQuery(t *testing.T) {
	e := newEnv(t)
	tok := e.token(acme, jwo.RoleViewer)
	tooMany := strings.Repeat("acme-x,", jwo.MaxFilterStoreIDs) + "acme-x"
	storesToken := func() string {
		page, err := e.viewer.ListStores(t.Context(), client.StoreFilter{PageSize: 1}, "")
		if err != nil || page.NextPageToken == "" {
			t.Fatalf("a stores page token: %+v, %v", page, err)
		}
		return page.NextPageToken
	}()
	for _, tc := range []struct{ query, names string }{
		{"method=TELEPORT", "method"},
		{"store_type=KIOSK", "store_type"},
		{"connectivity_status=GREEN", "connectivity_status"},
		{"store_id=" + url.QueryEscape("acme sea"), "store_id"},
		{"store_id=" + url.QueryEscape("acme-sea-01,,acme-cart-01"), "store_id"},
		{"store_id=" + url.QueryEscape("acme-sea-01,"), "store_id"},
		{"store_id=" + url.QueryEscape(tooMany), "store_id"},
		{"store_id=acme-sea-01&store_id=acme-cart-01", "store_id"},
		{"page_size=0", "page_size"},
		{"page_size=1001", "page_size"},
		{"page_token=not-a-token", "page_token"},
		{"page_token=" + storesToken, "page_token"},
		{"colour=red", "colour"},
	} {
		res, body := e.raw("GET", "/v1/connectors?"+tc.query, tok, nil)
		if res.StatusCode != 400 || !strings.Contains(string(body), tc.names) {
			t.Errorf("?%s: %d %s, want 400 naming %s", tc.query, res.StatusCode, body, tc.names)
		}
	}
	// The enum filters take the enum's own upper case, as the document
	// lists it; another case is 400 naming the parameter.
	res, body := e.raw("GET", "/v1/connectors?method=ORDERING&connectivity_status=UNTESTED&store_type=JWO", tok, nil)
	if res.StatusCode != 200 {
		t.Errorf("upper-case filters: %d %s", res.StatusCode, body)
	}
	for _, q := range []string{"method=ordering", "connectivity_status=untested", "store_type=jwo"} {
		name, _, _ := strings.Cut(q, "=")
		if res, body := e.raw("GET", "/v1/connectors?"+q, tok, nil); res.StatusCode != 400 || !strings.Contains(string(body), name) {
			t.Errorf("?%s: %d %s, want 400 naming %s", q, res.StatusCode, body, name)
		}
	}
	// The client refuses an id that would split at a comma.
	_, err := e.viewer.ListMerchantConnectors(t.Context(), client.ConnectorFilter{StoreIDs: []string{"acme-sea-01,acme-cart-01"}}, "")
	if err == nil || client.StatusCode(err) != 0 {
		t.Errorf("an id with a comma: %v, want a client-side error", err)
	}
}
