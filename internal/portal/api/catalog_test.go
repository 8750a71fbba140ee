package api

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

const catalogPath = "/v1/stores/acme-sea-01/catalog/items"

func TestPutCatalogItem(t *testing.T) {
	e := newEnv(t)
	events := e.auditCount("acme")
	var item jwo.CatalogItem
	e.must(200, "PUT", catalogPath+"/PEN-1", "admin", `{"barcode":"4006381333931","barcode_type":"EAN13","name":"Pen"}`).json(t, &item)
	if item != (jwo.CatalogItem{SKU: "PEN-1", Barcode: "4006381333931", BarcodeType: jwo.BarcodeEAN13, Name: "Pen"}) {
		t.Errorf("item %+v", item)
	}
	e.must(200, "PUT", catalogPath+"/PEN-1", "admin", `{"barcode":"4006381333931","barcode_type":"EAN13","name":"Pen"}`)
	if n := e.auditCount("acme"); n != events+1 {
		t.Errorf("audit events %d, want %d: an identical PUT is no change", n, events+1)
	}
	e.must(200, "PUT", catalogPath+"/PEN-1", "admin", `{"barcode":"4006381333931","barcode_type":"EAN13","name":"Blue pen"}`)
	if n := e.auditCount("acme"); n != events+2 {
		t.Errorf("audit events %d, want %d", n, events+2)
	}

	p := e.must(409, "PUT", catalogPath+"/OTHER-1", "admin", `{"barcode":"036000291452","barcode_type":"UPC","name":"Copy"}`).problem(t)
	if p.Detail == "" {
		t.Errorf("409 %+v", p)
	}
	// The same barcode in another store is fine: uniqueness is per store.
	e.must(200, "PUT", "/v1/stores/acme-dash-01/catalog/items/OTHER-1", "admin", `{"barcode":"036000291452","barcode_type":"UPC","name":"Copy"}`)

	tests := []struct{ name, sku, body, field string }{
		{"check digit", "PEN-2", `{"barcode":"4006381333932","barcode_type":"EAN13","name":"Pen"}`, "barcode"},
		{"barcode type", "PEN-2", `{"barcode":"4006381333931","barcode_type":"QR","name":"Pen"}`, "barcode_type"},
		{"empty name", "PEN-2", `{"barcode":"4006381333931","barcode_type":"EAN13","name":""}`, "name"},
		{"sku form", "-bad", `{"barcode":"4011","barcode_type":"PLU","name":"Bananas"}`, "sku"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := e.must(422, "PUT", catalogPath+"/"+tc.sku, "admin", tc.body).problem(t)
			if len(p.Errors) == 0 || p.Errors[0].Field != tc.field {
				t.Errorf("422 %+v, want field %s", p, tc.field)
			}
		})
	}
	e.must(400, "PUT", catalogPath+"/PEN-3", "admin", `{"barcode":"4011","barcode_type":"PLU","name":"B","price":1}`)
	e.must(404, "PUT", "/v1/stores/nope/catalog/items/PEN-3", "admin", `{"barcode":"4011","barcode_type":"PLU","name":"B"}`)
}

func TestListCatalogPaginatesAndFilters(t *testing.T) {
	e := newEnv(t, func(o *envOptions) { o.PageSize = 2 })
	for i := range 4 {
		body := fmt.Sprintf(`{"barcode":"%d","barcode_type":"PLU","name":"Item %d"}`, 4011+i, i)
		e.must(200, "PUT", fmt.Sprintf("%s/ITEM-%d", catalogPath, i), "admin", body)
	}
	var skus []string
	token := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		var page jwo.CatalogPage
		e.must(200, "GET", catalogPath+"?page_token="+url.QueryEscape(token), "viewer", "").json(t, &page)
		for _, it := range page.Items {
			skus = append(skus, it.SKU)
		}
		if token = page.NextPageToken; token == "" {
			break
		}
	}
	if fmt.Sprint(skus) != "[ITEM-0 ITEM-1 ITEM-2 ITEM-3 WATER-500]" {
		t.Errorf("skus %v", skus)
	}
	var page jwo.CatalogPage
	e.must(200, "GET", catalogPath+"?sku=ITEM-2", "viewer", "").json(t, &page)
	if len(page.Items) != 1 || page.Items[0].Name != "Item 2" || page.NextPageToken != "" {
		t.Errorf("sku filter %+v", page)
	}
	e.must(200, "GET", catalogPath+"?sku=NONE", "viewer", "").json(t, &page)
	if page.Items == nil || len(page.Items) != 0 {
		t.Errorf("no match %+v", page)
	}
	e.must(400, "GET", catalogPath+"?page_token=xyz", "viewer", "")
	e.must(400, "GET", catalogPath+"?page_token="+e.pageToken("stores", "a"), "viewer", "")
}
