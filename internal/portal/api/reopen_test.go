package api

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
)

// Everything answered before Close is there after the file is opened again,
// byte for byte.
func TestWritesSurviveCloseAndReopen(t *testing.T) {
	e := newEnv(t)
	e.must(201, "POST", "/v1/stores", "admin", `{"id":"acme-new","name":"N","store_type":"JWO","region":"us-east-1","entry_methods":["APP_QR"],"fraud_and_abuse_strategy":"NONE","order_delegation":true}`)
	e.must(201, "PUT", "/v1/stores/acme-new/connectors/identity", "operator", connectorBody(publicURL, jwo.EndpointPublic))
	e.must(200, "PUT", "/v1/stores/acme-new/catalog/items/PEN-1", "admin", `{"barcode":"4006381333931","barcode_type":"EAN13","name":"Pen"}`)
	e.must(201, "PUT", "/v1/stores/acme-new/connectors/ordering", "operator", connectorBody(publicURL2, jwo.EndpointPublic))
	run, _ := e.startRun("operator", "/v1/stores/acme-new/connectors/ordering/tests", `{"sku":"PEN-1"}`)
	e.waitForRun(run.ID)

	paths := []string{
		"/v1/stores",
		"/v1/stores/acme-new",
		"/v1/stores/acme-new/completion",
		"/v1/stores/acme-new/connectors",
		"/v1/connectors",
		"/v1/stores/acme-new/connectors/ordering",
		"/v1/stores/acme-new/connectors/ordering/tests",
		"/v1/tests/" + run.ID,
		"/v1/stores/acme-new/catalog/items",
		"/v1/audit-events",
	}
	before := map[string][]byte{}
	for _, p := range paths {
		before[p] = e.must(200, "GET", p, "viewer", "").body
	}
	e.reopen()
	for _, p := range paths {
		if after := e.must(200, "GET", p, "viewer", "").body; !bytes.Equal(before[p], after) {
			t.Errorf("GET %s changed across reopen:\nbefore %s\nafter  %s", p, before[p], after)
		}
	}
}

func TestApplySeedTwiceChangesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acme, globex := e.auditCount("acme"), e.auditCount("globex")
	if acme == 0 {
		t.Fatal("the first seed wrote no audit events")
	}
	storeBefore := e.must(200, "GET", "/v1/stores/acme-sea-01", "viewer", "").body
	if err := applySeed(ctx, e.dbPath, testSeed()); err != nil {
		t.Fatal(err)
	}
	if a, g := e.auditCount("acme"), e.auditCount("globex"); a != acme || g != globex {
		t.Errorf("second seed wrote audit events: acme %d→%d, globex %d→%d", acme, a, globex, g)
	}
	if after := e.must(200, "GET", "/v1/stores/acme-sea-01", "viewer", "").body; !bytes.Equal(storeBefore, after) {
		t.Errorf("second seed changed the store:\n%s\n%s", storeBefore, after)
	}

	// A changed seed updates what changed, and only that.
	f := testSeed()
	f.Merchants[0].Stores[2].Name = "Acme Plain Renamed"
	f.Merchants[0].Stores[0].Catalog = append(f.Merchants[0].Stores[0].Catalog,
		jwo.CatalogItem{SKU: "PEN-1", Barcode: "4006381333931", BarcodeType: jwo.BarcodeEAN13, Name: "Pen"})
	if err := applySeed(ctx, e.dbPath, f); err != nil {
		t.Fatal(err)
	}
	if a := e.auditCount("acme"); a != acme+2 {
		t.Errorf("changed seed: %d new events, want 2", a-acme)
	}
	events := e.allAudit("viewer", "store_id=acme-none")
	last := events[len(events)-1]
	if last.Action != jwo.ActionStoreUpdate || last.Actor != "seed" || !strings.Contains(string(last.After), "Renamed") {
		t.Errorf("seed update event %+v", last)
	}
}

func TestApplySeedRefusesInvalidSeedsWhole(t *testing.T) {
	dbPath := t.TempDir() + "/p.db"
	ctx := context.Background()
	bad := testSeed()
	bad.Merchants[0].Stores[1].Region = "moon-1"
	bad.Merchants[1].Stores[0].Catalog[0].Barcode = "036000291453"
	err := applySeed(ctx, dbPath, bad)
	if err == nil || !strings.Contains(err.Error(), "merchants[0].stores[1].region") || !strings.Contains(err.Error(), "merchants[1].stores[0].catalog[0].barcode") {
		t.Fatalf("err = %v", err)
	}
	dup := testSeed()
	dup.Merchants[0].Stores[0].Catalog = append(dup.Merchants[0].Stores[0].Catalog,
		jwo.CatalogItem{SKU: "COPY", Barcode: "036000291452", BarcodeType: jwo.BarcodeUPC, Name: "Copy"})
	if err := applySeed(ctx, dbPath, dup); err == nil || !strings.Contains(err.Error(), "barcode") {
		t.Fatalf("duplicate barcode: err = %v", err)
	}
	if err := applySeed(ctx, dbPath, seed.File{Merchants: []seed.Merchant{{ID: "bad id"}}}); err == nil {
		t.Fatal("bad merchant id accepted")
	}
}

func TestOpenRefusesBadOptions(t *testing.T) {
	if _, err := portal.Open(context.Background(), portal.Options{}); err == nil {
		t.Error("Open without a database path succeeded")
	}
	if _, err := New(nil, Options{RateLimit: -1}); err == nil {
		t.Error("negative rate limit accepted")
	}
	if _, err := portal.Open(context.Background(), portal.Options{DBPath: t.TempDir() + "/missing/dir/p.db"}); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
}
