package apitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/openapi"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

func TestService(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	if err := e.viewer.Health(ctx); err != nil {
		t.Errorf("health: %v", err)
	}
	doc, err := e.viewer.OpenAPI(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc, openapi.Document()) {
		t.Error("/v1/openapi.json is not the embedded document byte for byte")
	}

	// Neither needs a token.
	for _, path := range []string{"/healthz", "/v1/openapi.json"} {
		resp, body := e.raw("GET", path, "", nil)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s without a token: %d %s", path, resp.StatusCode, body)
		}
	}
}

func TestStores(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()

	stores, err := e.viewer.AllStores(ctx, client.StoreFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range stores {
		ids = append(ids, s.ID)
	}
	if want := []string{storeCart, storeFull, storeNone}; !slices.Equal(ids, want) {
		t.Errorf("stores = %v, want %v (ordered by id, Acme's only)", ids, want)
	}

	s, err := e.viewer.GetStore(ctx, storeFull)
	if err != nil {
		t.Fatal(err)
	}
	if want := jwo.NewStore(portaltest.Seed().Merchants[0].Stores[0].StoreProfile, nil); !equalJSON(t, s, want) {
		t.Errorf("store = %+v, want %+v", s, want)
	}
	_, err = e.viewer.GetStore(ctx, "acme-nosuch")
	if !client.IsNotFound(err) {
		t.Errorf("unknown store: %v, want 404", err)
	}
	_, err = e.viewer.GetCompletion(ctx, "acme-nosuch")
	if !client.IsNotFound(err) {
		t.Errorf("completion of unknown store: %v, want 404", err)
	}

	// A bad filter is the caller's mistake: 400, not an empty list.
	for _, f := range []client.StoreFilter{
		{StoreType: "KIOSK"},
		{CompletionStatus: "DONE"},
		{Method: "TELEPORT"},
		{PageSize: 100000},
	} {
		_, err := e.viewer.ListStores(ctx, f, "")
		wantStatus(t, err, 400, fmt.Sprintf("filter %+v", f))
	}
	_, err = e.viewer.ListStores(ctx, client.StoreFilter{}, "not-a-page-token")
	wantStatus(t, err, 400, "bad page token")

	// Create: 201, then 409 for the same id; 422 names the field; 403 below admin.
	profile := jwo.StoreProfile{
		ID: "acme-new-0001", Name: "New", StoreType: jwo.StoreTypeJWO, Region: "us-east-2",
		EntryMethods: []jwo.EntryMethod{jwo.EntryBadge}, FraudAndAbuseStrategy: jwo.FraudAmazonRecommendation,
	}
	created, err := e.admin.CreateStore(ctx, profile)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(created.RequiredMethods, []jwo.Method{jwo.MethodIdentity, jwo.MethodFraudAndAbuse}) ||
		created.CompletionStatus != jwo.CompletionIncomplete {
		t.Errorf("created store derived fields: %+v", created)
	}
	_, err = e.admin.CreateStore(ctx, profile)
	if !client.IsConflict(err) {
		t.Errorf("second create: %v, want 409", err)
	}
	bad := profile
	bad.ID, bad.Region = "acme-new-0002", "mars-1"
	_, err = e.admin.CreateStore(ctx, bad)
	if !client.IsValidation(err) || !fieldNamed(err, "region") {
		t.Errorf("bad region: %v, want 422 naming region", err)
	}
	bad.Region, bad.StoreType = "us-east-1", "KIOSK"
	_, err = e.admin.CreateStore(ctx, bad)
	if !client.IsValidation(err) || !fieldNamed(err, "store_type") {
		t.Errorf("bad store type: %v, want 422 naming store_type", err)
	}
	_, err = e.operator.CreateStore(ctx, jwo.StoreProfile{ID: "acme-new-0003", Name: "x", StoreType: jwo.StoreTypeJWO, Region: "us-east-1", FraudAndAbuseStrategy: jwo.FraudNone})
	if !client.IsForbidden(err) {
		t.Errorf("operator creates a store: %v, want 403", err)
	}
	resp, body := e.raw("POST", "/v1/stores", e.token(acme, jwo.RoleAdmin),
		[]byte(`{"id":"acme-new-0004","name":"x","store_type":"JWO","region":"us-east-1","fraud_and_abuse_strategy":"NONE","colour":"red"}`))
	if resp.StatusCode != 400 {
		t.Errorf("unknown field: %d %s, want 400", resp.StatusCode, body)
	}
	resp, body = e.raw("POST", "/v1/stores", e.token(acme, jwo.RoleAdmin), []byte(`{"id":`))
	if resp.StatusCode != 400 {
		t.Errorf("malformed JSON: %d %s, want 400", resp.StatusCode, body)
	}

	// Patch: only the fields given change, derived fields follow.
	loyalty := true
	patched, err := e.admin.UpdateStore(ctx, "acme-new-0001", jwo.StorePatch{LoyaltyProgram: &loyalty})
	if err != nil {
		t.Fatal(err)
	}
	if patched.Name != "New" || !patched.LoyaltyProgram ||
		!slices.Equal(patched.RequiredMethods, []jwo.Method{jwo.MethodIdentity, jwo.MethodLoyalty, jwo.MethodFraudAndAbuse}) {
		t.Errorf("patched = %+v", patched)
	}
	badRegion := "nowhere"
	_, err = e.admin.UpdateStore(ctx, "acme-new-0001", jwo.StorePatch{Region: &badRegion})
	if !client.IsValidation(err) || !fieldNamed(err, "region") {
		t.Errorf("patch bad region: %v, want 422 naming region", err)
	}
	_, err = e.admin.UpdateStore(ctx, "acme-nosuch", jwo.StorePatch{LoyaltyProgram: &loyalty})
	if !client.IsNotFound(err) {
		t.Errorf("patch unknown store: %v, want 404", err)
	}
	_, err = e.operator.UpdateStore(ctx, "acme-new-0001", jwo.StorePatch{LoyaltyProgram: &loyalty})
	if !client.IsForbidden(err) {
		t.Errorf("operator patches a store: %v, want 403", err)
	}
	resp, body = e.raw("PATCH", "/v1/stores/acme-new-0001", e.token(acme, jwo.RoleAdmin), []byte(`{"id":"acme-other"}`))
	if resp.StatusCode != 400 {
		t.Errorf("patching the id: %d %s, want 400 (not a patchable field)", resp.StatusCode, body)
	}
}

func TestConnectors(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	url1, url2 := "http://127.0.0.1:9/one", "http://127.0.0.1:9/two"

	list, err := e.viewer.ListConnectors(ctx, storeFull)
	if err != nil || len(list) != 0 {
		t.Fatalf("connectors of a fresh store: %v, %v", list, err)
	}
	_, err = e.viewer.ListConnectors(ctx, "acme-nosuch")
	if !client.IsNotFound(err) {
		t.Errorf("connectors of unknown store: %v, want 404", err)
	}
	_, err = e.viewer.GetConnector(ctx, storeFull, jwo.MethodLoyalty)
	if !client.IsNotFound(err) {
		t.Errorf("connector not saved yet: %v, want 404", err)
	}

	// Create, repeat unchanged, change: 201 v1, 200 v1, 200 v2.
	in := jwo.ConnectorInput{EndpointURL: url1, EndpointType: jwo.EndpointPublic}
	c, created, err := e.operator.PutConnector(ctx, storeFull, jwo.MethodLoyalty, in, client.Precondition{IfNoneMatch: true})
	if err != nil || !created {
		t.Fatalf("create: created=%v err=%v", created, err)
	}
	if c.Version != 1 || c.ConnectivityStatus != jwo.ConnectivityUntested || c.LastTestID != "" ||
		c.EndpointURL != url1 || c.Method != jwo.MethodLoyalty || c.StoreID != storeFull || c.UpdatedBy == "" {
		t.Errorf("created connector = %+v", c)
	}
	c, created, err = e.operator.PutConnector(ctx, storeFull, jwo.MethodLoyalty, in, client.Precondition{})
	if err != nil || created || c.Version != 1 {
		t.Errorf("unchanged PUT: version %d created=%v err=%v, want 200 and version 1", c.Version, created, err)
	}
	in.EndpointURL = url2
	c, created, err = e.admin.PutConnector(ctx, storeFull, jwo.MethodLoyalty, in, client.Precondition{IfMatchVersion: 1})
	if err != nil || created || c.Version != 2 || c.EndpointURL != url2 {
		t.Errorf("changed PUT: %+v created=%v err=%v, want 200 and version 2", c, created, err)
	}
	in.EndpointType = jwo.EndpointPrivate
	c, _, err = e.admin.PutConnector(ctx, storeFull, jwo.MethodLoyalty, in, client.Precondition{})
	if err != nil || c.Version != 3 {
		t.Errorf("type change: version %d (%v), want 3", c.Version, err)
	}

	// The ETag is the version, on writes as on reads, in either spelling of
	// the method segment.
	resp, body := e.raw("PUT", "/v1/stores/"+storeFull+"/connectors/identity", e.token(acme, jwo.RoleOperator),
		[]byte(`{"endpoint_url":"http://127.0.0.1:9/id","endpoint_type":"PUBLIC"}`))
	if resp.StatusCode != 201 || resp.Header.Get("ETag") != `"1"` {
		t.Errorf("PUT create: %d ETag %q %s", resp.StatusCode, resp.Header.Get("ETag"), body)
	}
	resp, body = e.raw("PUT", "/v1/stores/"+storeFull+"/connectors/IDENTITY", e.token(acme, jwo.RoleOperator),
		[]byte(`{"endpoint_url":"http://127.0.0.1:9/id2","endpoint_type":"PUBLIC"}`), "If-Match", `"1"`)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") != `"2"` {
		t.Errorf("PUT replace: %d ETag %q %s", resp.StatusCode, resp.Header.Get("ETag"), body)
	}
	for _, seg := range []string{"loyalty", "LOYALTY"} {
		resp, body := e.raw("GET", "/v1/stores/"+storeFull+"/connectors/"+seg, e.token(acme, jwo.RoleViewer), nil)
		if resp.StatusCode != 200 || resp.Header.Get("ETag") != `"3"` {
			t.Errorf("GET .../connectors/%s: %d ETag %q %s", seg, resp.StatusCode, resp.Header.Get("ETag"), body)
		}
	}
	// Only the two spellings the document lists.
	if resp, _ := e.raw("GET", "/v1/stores/"+storeFull+"/connectors/Loyalty", e.token(acme, jwo.RoleViewer), nil); resp.StatusCode != 404 {
		t.Errorf("GET .../connectors/Loyalty: %d, want 404", resp.StatusCode)
	}
	resp, _ = e.raw("GET", "/v1/stores/"+storeFull+"/connectors/teleport", e.token(acme, jwo.RoleViewer), nil)
	if resp.StatusCode != 404 {
		t.Errorf("unknown method segment: %d, want 404", resp.StatusCode)
	}

	// 412: stale If-Match, and If-None-Match on an existing connector.
	_, _, err = e.operator.PutConnector(ctx, storeFull, jwo.MethodLoyalty, in, client.Precondition{IfMatchVersion: 1})
	if !client.IsPreconditionFailed(err) {
		t.Errorf("stale If-Match: %v, want 412", err)
	}
	_, _, err = e.operator.PutConnector(ctx, storeFull, jwo.MethodLoyalty, in, client.Precondition{IfNoneMatch: true})
	if !client.IsPreconditionFailed(err) {
		t.Errorf("If-None-Match on existing: %v, want 412", err)
	}
	_, _, err = e.operator.PutConnector(ctx, storeFull, jwo.MethodIdentity, in, client.Precondition{IfMatchVersion: 1})
	if !client.IsPreconditionFailed(err) {
		t.Errorf("If-Match on a connector that does not exist: %v, want 412", err)
	}

	// 409: the method does not apply to the store.
	_, _, err = e.operator.PutConnector(ctx, storeCart, jwo.MethodIdentity, in, client.Precondition{})
	if !client.IsConflict(err) {
		t.Errorf("IDENTITY on a Dash Cart store: %v, want 409", err)
	}
	_, _, err = e.operator.PutConnector(ctx, storeNone, jwo.MethodOrdering, in, client.Precondition{})
	if !client.IsConflict(err) {
		t.Errorf("ORDERING on a NOT_REQUIRED store: %v, want 409", err)
	}
	_, _, err = e.operator.PutConnector(ctx, "acme-nosuch", jwo.MethodOrdering, in, client.Precondition{})
	if !client.IsNotFound(err) {
		t.Errorf("PUT on unknown store: %v, want 404", err)
	}

	// 422 names the field.
	for _, c := range []struct {
		in    jwo.ConnectorInput
		field string
	}{
		{jwo.ConnectorInput{EndpointURL: url1, EndpointType: "INTERNAL"}, "endpoint_type"},
		{jwo.ConnectorInput{EndpointURL: url1}, "endpoint_type"},
		{jwo.ConnectorInput{EndpointURL: "ftp://127.0.0.1/x", EndpointType: jwo.EndpointPublic}, "endpoint_url"},
		{jwo.ConnectorInput{EndpointURL: "", EndpointType: jwo.EndpointPublic}, "endpoint_url"},
		{jwo.ConnectorInput{EndpointURL: "https://user:pw@a1b2c3d4e5.execute-api.us-east-1.amazonaws.com", EndpointType: jwo.EndpointPublic}, "endpoint_url"},
		{jwo.ConnectorInput{EndpointURL: "https://a1b2c3d4e5-vpce-0123456789abcdef0.execute-api.us-east-1.vpce.amazonaws.com", EndpointType: jwo.EndpointPublic}, "endpoint_type"},
	} {
		_, _, err := e.operator.PutConnector(ctx, storeFull, jwo.MethodOrdering, c.in, client.Precondition{})
		if !client.IsValidation(err) || !fieldNamed(err, c.field) {
			t.Errorf("PUT %+v: %v, want 422 naming %s", c.in, err, c.field)
		}
	}
	if _, err := e.viewer.GetConnector(ctx, storeFull, jwo.MethodOrdering); !client.IsNotFound(err) {
		t.Errorf("a refused PUT saved something: %v", err)
	}

	// 400: unknown field; 413: a body beyond the cap.
	resp, body = e.raw("PUT", "/v1/stores/"+storeFull+"/connectors/ordering", e.token(acme, jwo.RoleOperator),
		[]byte(`{"endpoint_url":"http://127.0.0.1:9","endpoint_type":"PUBLIC","region":"us-east-1"}`))
	if resp.StatusCode != 400 {
		t.Errorf("unknown field: %d %s, want 400", resp.StatusCode, body)
	}
	huge, _ := json.Marshal(jwo.ConnectorInput{EndpointURL: "http://127.0.0.1:9/" + strings.Repeat("a", 8<<20), EndpointType: jwo.EndpointPublic})
	resp, body = e.raw("PUT", "/v1/stores/"+storeFull+"/connectors/ordering", e.token(acme, jwo.RoleOperator), huge)
	if resp.StatusCode != 413 {
		t.Errorf("8 MiB body: %d %.200s, want 413", resp.StatusCode, body)
	}

	// 403 for a viewer, and nothing changed.
	_, _, err = e.viewer.PutConnector(ctx, storeFull, jwo.MethodLoyalty, jwo.ConnectorInput{EndpointURL: url1, EndpointType: jwo.EndpointPublic}, client.Precondition{})
	if !client.IsForbidden(err) {
		t.Errorf("viewer PUT: %v, want 403", err)
	}
	if err := e.viewer.DeleteConnector(ctx, storeFull, jwo.MethodLoyalty, client.Precondition{}); !client.IsForbidden(err) {
		t.Errorf("viewer DELETE: %v, want 403", err)
	}
	if c, err := e.viewer.GetConnector(ctx, storeFull, jwo.MethodLoyalty); err != nil || c.Version != 3 || c.EndpointURL != url2 {
		t.Errorf("after refused writes: %+v, %v", c, err)
	}

	// Delete: 412 with a stale version, 204, then 404 twice.
	if err := e.operator.DeleteConnector(ctx, storeFull, jwo.MethodLoyalty, client.Precondition{IfMatchVersion: 2}); !client.IsPreconditionFailed(err) {
		t.Errorf("DELETE stale If-Match: %v, want 412", err)
	}
	if err := e.operator.DeleteConnector(ctx, storeFull, jwo.MethodLoyalty, client.Precondition{IfMatchVersion: 3}); err != nil {
		t.Errorf("DELETE: %v", err)
	}
	if _, err := e.viewer.GetConnector(ctx, storeFull, jwo.MethodLoyalty); !client.IsNotFound(err) {
		t.Errorf("GET after DELETE: %v, want 404", err)
	}
	if err := e.operator.DeleteConnector(ctx, storeFull, jwo.MethodLoyalty, client.Precondition{}); !client.IsNotFound(err) {
		t.Errorf("second DELETE: %v, want 404", err)
	}

	// A new incarnation starts again at version 1.
	c, created, err = e.operator.PutConnector(ctx, storeFull, jwo.MethodLoyalty, in, client.Precondition{})
	if err != nil || !created || c.Version != 1 {
		t.Errorf("re-create after delete: %+v created=%v %v, want 201 version 1", c, created, err)
	}
	list, err = e.viewer.ListConnectors(ctx, storeFull)
	if err != nil || len(list) != 2 || list[0].Method != jwo.MethodIdentity || list[1].Method != jwo.MethodLoyalty {
		t.Errorf("list = %+v, %v", list, err)
	}
}

func TestCatalog(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()

	page, err := e.viewer.ListCatalogItems(ctx, storeFull, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].SKU != skuWater || page.NextPageToken != "" {
		t.Errorf("catalog = %+v", page)
	}
	item, err := e.admin.PutCatalogItem(ctx, storeFull, "SODA-330", jwo.CatalogItemInput{Barcode: "5449000000996", BarcodeType: jwo.BarcodeEAN13, Name: "Soda 330 ml"})
	if err != nil {
		t.Fatal(err)
	}
	if item.SKU != "SODA-330" || item.Barcode != "5449000000996" {
		t.Errorf("put item = %+v", item)
	}
	page, err = e.viewer.ListCatalogItems(ctx, storeFull, "SODA-330", "")
	if err != nil || len(page.Items) != 1 || page.Items[0] != item {
		t.Errorf("sku filter: %+v, %v", page, err)
	}
	page, err = e.viewer.ListCatalogItems(ctx, storeFull, "NOPE", "")
	if err != nil || len(page.Items) != 0 {
		t.Errorf("sku filter on a missing SKU: %+v, %v, want an empty page", page, err)
	}
	// Replacing the item's own barcode is fine; taking another SKU's is 409.
	if _, err := e.admin.PutCatalogItem(ctx, storeFull, "SODA-330", jwo.CatalogItemInput{Barcode: "5449000000996", BarcodeType: jwo.BarcodeEAN13, Name: "Soda, renamed"}); err != nil {
		t.Errorf("replace item: %v", err)
	}
	_, err = e.admin.PutCatalogItem(ctx, storeFull, "WATER-COPY", jwo.CatalogItemInput{Barcode: barcodeWater, BarcodeType: jwo.BarcodeUPC, Name: "Copy"})
	if !client.IsConflict(err) {
		t.Errorf("barcode of another SKU: %v, want 409", err)
	}
	_, err = e.admin.PutCatalogItem(ctx, storeFull, "BAD-1", jwo.CatalogItemInput{Barcode: "036000291453", BarcodeType: jwo.BarcodeUPC, Name: "Bad check digit"})
	if !client.IsValidation(err) || !fieldNamed(err, "barcode") {
		t.Errorf("bad check digit: %v, want 422 naming barcode", err)
	}
	_, err = e.admin.PutCatalogItem(ctx, storeFull, "BAD-2", jwo.CatalogItemInput{Barcode: "123", BarcodeType: "QR", Name: "x"})
	if !client.IsValidation(err) || !fieldNamed(err, "barcode_type") {
		t.Errorf("bad barcode type: %v, want 422 naming barcode_type", err)
	}
	_, err = e.admin.PutCatalogItem(ctx, storeFull, "BAD-3", jwo.CatalogItemInput{Barcode: "4011", BarcodeType: jwo.BarcodePLU, Name: ""})
	if !client.IsValidation(err) || !fieldNamed(err, "name") {
		t.Errorf("empty name: %v, want 422 naming name", err)
	}
	_, err = e.operator.PutCatalogItem(ctx, storeFull, "OP-1", jwo.CatalogItemInput{Barcode: "4011", BarcodeType: jwo.BarcodePLU, Name: "Bananas"})
	if !client.IsForbidden(err) {
		t.Errorf("operator writes the catalog: %v, want 403", err)
	}
	_, err = e.viewer.ListCatalogItems(ctx, "acme-nosuch", "", "")
	if !client.IsNotFound(err) {
		t.Errorf("catalog of unknown store: %v, want 404", err)
	}
}

func TestAuditEvents(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	in := jwo.ConnectorInput{EndpointURL: "http://127.0.0.1:9/a", EndpointType: jwo.EndpointPublic}
	steps := []func() error{
		func() error {
			_, _, err := e.operator.PutConnector(ctx, storeCart, jwo.MethodOrdering, in, client.Precondition{})
			return err
		},
		func() error {
			in.EndpointURL += "b"
			_, _, err := e.operator.PutConnector(ctx, storeCart, jwo.MethodOrdering, in, client.Precondition{})
			return err
		},
		func() error {
			return e.admin.DeleteConnector(ctx, storeCart, jwo.MethodOrdering, client.Precondition{})
		},
		func() error {
			_, err := e.admin.PutCatalogItem(ctx, storeFull, "PLU-1", jwo.CatalogItemInput{Barcode: "4011", BarcodeType: jwo.BarcodePLU, Name: "Bananas"})
			return err
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			t.Fatal(err)
		}
	}
	events, err := e.viewer.AllAuditEvents(ctx, storeCart)
	if err != nil {
		t.Fatal(err)
	}
	var actions []jwo.AuditAction
	for i, ev := range events {
		actions = append(actions, ev.Action)
		if ev.StoreID != storeCart {
			t.Errorf("store filter let through %+v", ev)
		}
		if i > 0 && (ev.ID <= events[i-1].ID || ev.At.Before(events[i-1].At)) {
			t.Errorf("events not oldest first: %d then %d", events[i-1].ID, ev.ID)
		}
	}
	// The seed's own events (store.create, catalog.put) come first.
	want := []jwo.AuditAction{jwo.ActionConnectorCreate, jwo.ActionConnectorUpdate, jwo.ActionConnectorDelete}
	if len(actions) < len(want) || !slices.Equal(actions[len(actions)-len(want):], want) {
		t.Fatalf("actions = %v, want them to end with %v", actions, want)
	}
	events = events[len(events)-len(want):]
	create, update, del := events[0], events[1], events[2]
	if !isNull(create.Before) || isNull(create.After) || create.Method != jwo.MethodOrdering || create.Actor == "" {
		t.Errorf("create event = %s", mustMarshal(t, create))
	}
	if isNull(update.Before) || isNull(update.After) || !bytes.Contains(update.Before, []byte(`/a"`)) || !bytes.Contains(update.After, []byte(`/ab"`)) {
		t.Errorf("update event = %s", mustMarshal(t, update))
	}
	if isNull(del.Before) || !isNull(del.After) {
		t.Errorf("delete event = %s", mustMarshal(t, del))
	}
	all, err := e.viewer.AllAuditEvents(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 4 || all[len(all)-1].Action != jwo.ActionCatalogPut {
		t.Errorf("all events end with %+v, want the catalog put last", all[len(all)-1])
	}
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	return bytes.Equal(mustMarshal(t, a), mustMarshal(t, b))
}
