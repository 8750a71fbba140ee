package client

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// threeStorePages answers GET /v1/stores with three pages, linked by the
// tokens "p2" and "p3", and 404 for an unknown token.
func threeStorePages(w http.ResponseWriter, r *http.Request, _ int) {
	store := func(id string) jwo.Store { return jwo.Store{StoreProfile: jwo.StoreProfile{ID: id}} }
	switch r.URL.Query().Get("page_token") {
	case "":
		writeJSON(w, 200, jwo.StorePage{Stores: []jwo.Store{store("s1"), store("s2")}, NextPageToken: "p2"})
	case "p2":
		writeJSON(w, 200, jwo.StorePage{Stores: []jwo.Store{store("s3")}, NextPageToken: "p3"})
	case "p3":
		writeJSON(w, 200, jwo.StorePage{Stores: []jwo.Store{store("s4")}})
	default:
		writeProblem(w, 404, "no such page")
	}
}

func storeIDs(stores []jwo.Store) []string {
	ids := []string{}
	for _, s := range stores {
		ids = append(ids, s.ID)
	}
	return ids
}

func TestAllStoresWalksEveryPage(t *testing.T) {
	f := newFake(t, threeStorePages)
	c := newTestClient(t, f.URL)
	stores, err := c.AllStores(context.Background(), StoreFilter{StoreType: jwo.StoreTypeJWO, PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := storeIDs(stores), []string{"s1", "s2", "s3", "s4"}; !reflect.DeepEqual(got, want) {
		t.Errorf("stores = %v, want %v", got, want)
	}
	var queries []string
	for _, r := range f.requests() {
		queries = append(queries, r.Query)
	}
	want := []string{
		"page_size=2&store_type=JWO",
		"page_size=2&page_token=p2&store_type=JWO",
		"page_size=2&page_token=p3&store_type=JWO",
	}
	if !reflect.DeepEqual(queries, want) {
		t.Errorf("queries = %q, want %q (the filter must go with every page)", queries, want)
	}
}

func TestStoresStopsWhenTheConsumerStops(t *testing.T) {
	f := newFake(t, threeStorePages)
	c := newTestClient(t, f.URL)
	for s, err := range c.Stores(context.Background(), StoreFilter{}) {
		if err != nil || s.ID != "s1" {
			t.Fatalf("first = %v, %v", s.ID, err)
		}
		break
	}
	if n := f.count(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestStoresYieldsAPageErrorAndStops(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 2 {
			writeProblem(w, http.StatusForbidden, "no")
			return
		}
		threeStorePages(w, r, n)
	})
	c := newTestClient(t, f.URL)
	var ids []string
	var errs []error
	for s, err := range c.Stores(context.Background(), StoreFilter{}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, s.ID)
	}
	if !reflect.DeepEqual(ids, []string{"s1", "s2"}) || len(errs) != 1 || !IsForbidden(errs[0]) {
		t.Errorf("ids = %v, errs = %v", ids, errs)
	}
	if _, err := c.AllStores(context.Background(), StoreFilter{}); err != nil {
		t.Errorf("a later walk should succeed: %v", err)
	}
}

func TestPagesRefuseARepeatedToken(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 200, jwo.AuditPage{Events: []jwo.AuditEvent{{ID: int64(n)}}, NextPageToken: "same"})
	})
	c := newTestClient(t, f.URL)
	_, err := c.AllAuditEvents(context.Background(), "")
	if err == nil {
		t.Fatal("a server that repeats a page token must not make the walk loop forever")
	}
	if n := f.count(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestAuditEventsWalkEveryPage(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Query().Get("store_id") != "s1" {
			writeProblem(w, 400, "store_id lost on a later page")
			return
		}
		tok := r.URL.Query().Get("page_token")
		switch tok {
		case "":
			writeJSON(w, 200, jwo.AuditPage{Events: []jwo.AuditEvent{{ID: 1}}, NextPageToken: "b"})
		case "b":
			writeJSON(w, 200, jwo.AuditPage{Events: []jwo.AuditEvent{{ID: 2}}, NextPageToken: "c"})
		default:
			writeJSON(w, 200, jwo.AuditPage{Events: []jwo.AuditEvent{{ID: 3}}})
		}
	})
	c := newTestClient(t, f.URL)
	var ids []int64
	for ev, err := range c.AuditEvents(context.Background(), "s1") {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ev.ID)
	}
	if !reflect.DeepEqual(ids, []int64{1, 2, 3}) {
		t.Errorf("ids = %v", ids)
	}
}

func TestAllCatalogItemsWalkEveryPage(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		next := ""
		if n < 3 {
			next = fmt.Sprintf("c%d", n+1)
		}
		writeJSON(w, 200, jwo.CatalogPage{Items: []jwo.CatalogItem{{SKU: fmt.Sprintf("SKU-%d", n)}}, NextPageToken: next})
	})
	c := newTestClient(t, f.URL)
	items, err := c.AllCatalogItems(context.Background(), "s1", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 || items[2].SKU != "SKU-3" || f.requests()[2].Query != "page_token=c3" {
		t.Errorf("items = %+v, requests = %+v", items, f.requests())
	}
}

func TestAllStoresEmptyIsNotNil(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeJSON(w, 200, jwo.StorePage{})
	})
	c := newTestClient(t, f.URL)
	stores, err := c.AllStores(context.Background(), StoreFilter{})
	if err != nil || stores == nil || len(stores) != 0 {
		t.Errorf("AllStores = %#v, %v; want an empty slice", stores, err)
	}
}
