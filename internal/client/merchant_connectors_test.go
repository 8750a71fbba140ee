package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// One call carries at most jwo.MaxFilterStoreIDs store ids; more are split
// into sorted groups, each group one request, and the walk yields every
// connector once, in the API's order.
func TestMerchantConnectorsSplitsStoreIDsIntoGroups(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		var page jwo.ConnectorPage
		for id := range strings.SplitSeq(r.URL.Query().Get("store_id"), ",") {
			page.Connectors = append(page.Connectors, jwo.Connector{StoreID: id, Method: jwo.MethodOrdering})
		}
		writeJSON(w, 200, page)
	})
	c := newTestClient(t, f.URL)
	n := 2*jwo.MaxFilterStoreIDs + 1
	var ids, want []string
	for i := n - 1; i >= 0; i-- {
		ids = append(ids, fmt.Sprintf("s%04d", i))
	}
	ids = append(ids, "s0000") // a repeat is asked for once
	for i := range n {
		want = append(want, fmt.Sprintf("s%04d", i))
	}
	conns, err := c.AllMerchantConnectors(context.Background(), ConnectorFilter{StoreIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, conn := range conns {
		got = append(got, conn.StoreID)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("connectors of %d stores, want the %d ids sorted, each once; got %v", len(got), n, got)
	}
	reqs := f.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests for %d store ids, want 3", len(reqs), n)
	}
	for i, r := range reqs {
		q, err := url.ParseQuery(r.Query)
		if err != nil {
			t.Fatal(err)
		}
		if k := len(strings.Split(q.Get("store_id"), ",")); k > jwo.MaxFilterStoreIDs {
			t.Errorf("request %d names %d store ids, more than %d", i, k, jwo.MaxFilterStoreIDs)
		}
	}
}

// Asking one page for more store ids than the API takes is refused before
// any request is made.
func TestListMerchantConnectorsRefusesTooManyStoreIDs(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 200, jwo.ConnectorPage{}) })
	c := newTestClient(t, f.URL)
	ids := make([]string, jwo.MaxFilterStoreIDs+1)
	for i := range ids {
		ids[i] = fmt.Sprintf("s%d", i)
	}
	if _, err := c.ListMerchantConnectors(context.Background(), ConnectorFilter{StoreIDs: ids}, ""); err == nil || !strings.Contains(err.Error(), "MerchantConnectors") {
		t.Errorf("err = %v, want a refusal that names MerchantConnectors", err)
	}
	if _, err := c.ListMerchantConnectors(context.Background(), ConnectorFilter{StoreIDs: ids[:jwo.MaxFilterStoreIDs]}, ""); err != nil {
		t.Errorf("%d store ids: %v", jwo.MaxFilterStoreIDs, err)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("%d requests, want 1 (only the call within the limit)", n)
	}
}
