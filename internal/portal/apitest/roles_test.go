package apitest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// Who calls, in the matrix.
const (
	pNone        = "no token"
	pBad         = "unknown token"
	pViewer      = "viewer"
	pOperator    = "operator"
	pAdmin       = "admin"
	pOther       = "other merchant's admin"
	pOtherViewer = "other merchant's viewer"
)

var principals = []string{pNone, pBad, pViewer, pOperator, pAdmin, pOther, pOtherViewer}

// matrixOp is one route of API.md as the matrix calls it.
type matrixOp struct {
	route  string // "METHOD /template", for messages
	public bool   // no token needed
	need   string // "", "operator" (connector writes and tests) or "admin" (stores, catalog)
	scoped bool   // names Acme's store: another merchant must get 404
	// prepare puts in place, as Acme's admin, what the call needs; it runs
	// before the refused-writes check counts audit events.
	prepare func()
	call    func(ctx context.Context, c *client.Client, storeID string) error
}

// expect is the status a principal must get: 0 for success.
func (op matrixOp) expect(p string) []int {
	switch {
	case op.public:
		return []int{0}
	case p == pNone || p == pBad:
		return []int{401}
	case (p == pOther || p == pOtherViewer) && op.scoped:
		// Never 403: that would tell the caller the store exists.
		return []int{404}
	}
	role := map[string]jwo.Role{pViewer: jwo.RoleViewer, pOperator: jwo.RoleOperator, pAdmin: jwo.RoleAdmin, pOther: jwo.RoleAdmin, pOtherViewer: jwo.RoleViewer}[p]
	switch {
	case op.need == "operator" && !role.CanWriteConnectors(), op.need == "admin" && !role.CanAdminister():
		return []int{403}
	}
	return []int{0}
}

func TestRoleMatrix(t *testing.T) {
	logs := &portaltest.SyncBuffer{}
	e := newEnv(t, func(s *portaltest.Setup) { s.Options.Logger = slog.New(slog.NewJSONHandler(logs, nil)) })
	ctx := t.Context()
	unreachable := closedPort(t)

	// State every cell can rely on: a saved connector and a finished run.
	put(t, e.admin, storeFull, jwo.MethodLoyalty, unreachable)
	acmeRun := run(t, e.admin, storeFull, jwo.MethodLoyalty, "")
	var created atomic.Int64
	acmeSecrets, globexSecrets := plantSecrets(t, e, unreachable, acmeRun.ID)

	recs := map[string]*recorder{}
	recorded := func(p string) func(*client.Config) {
		recs[p] = &recorder{}
		return func(c *client.Config) { c.HTTPClient = e.httpClient(recs[p]) }
	}
	recs[pNone] = &recorder{}
	clients := map[string]*client.Client{
		pNone: e.client("placeholder", func(c *client.Config) {
			// The client insists on a token; take it off the wire.
			c.HTTPClient = &http.Client{Transport: e.v.Transport(recs[pNone].wrap(roundTripFunc(func(r *http.Request) (*http.Response, error) {
				r = r.Clone(r.Context())
				r.Header.Del("Authorization")
				return e.srv.Client().Transport.RoundTrip(r)
			})))}
		}),
		pBad:         e.client(badToken, recorded(pBad)),
		pViewer:      e.client(e.token(acme, jwo.RoleViewer), recorded(pViewer)),
		pOperator:    e.client(e.token(acme, jwo.RoleOperator), recorded(pOperator)),
		pAdmin:       e.client(e.token(acme, jwo.RoleAdmin), recorded(pAdmin)),
		pOther:       e.client(e.token(globex, jwo.RoleAdmin), recorded(pOther)),
		pOtherViewer: e.client(e.token(globex, jwo.RoleViewer), recorded(pOtherViewer)),
	}

	in := func(url string) jwo.ConnectorInput {
		return jwo.ConnectorInput{EndpointURL: url, EndpointType: jwo.EndpointPublic}
	}
	ensureConnector := func() {
		t.Helper()
		put(t, e.admin, storeFull, jwo.MethodLoyalty, unreachable)
	}
	ops := []matrixOp{
		{route: "GET /healthz", public: true, call: func(ctx context.Context, c *client.Client, _ string) error { return c.Health(ctx) }},
		{route: "GET /v1/openapi.json", public: true, call: func(ctx context.Context, c *client.Client, _ string) error { _, err := c.OpenAPI(ctx); return err }},
		{route: "GET /v1/stores", call: func(ctx context.Context, c *client.Client, _ string) error {
			_, err := c.AllStores(ctx, client.StoreFilter{})
			return err
		}},
		{route: "GET /v1/stores/{store_id}", scoped: true, call: func(ctx context.Context, c *client.Client, id string) error {
			_, err := c.GetStore(ctx, id)
			return err
		}},
		{route: "GET /v1/stores/{store_id}/completion", scoped: true, call: func(ctx context.Context, c *client.Client, id string) error {
			_, err := c.GetCompletion(ctx, id)
			return err
		}},
		{route: "GET /v1/stores/{store_id}/connectors", scoped: true, call: func(ctx context.Context, c *client.Client, id string) error {
			_, err := c.ListConnectors(ctx, id)
			return err
		}},
		{route: "GET /v1/connectors", call: func(ctx context.Context, c *client.Client, _ string) error {
			_, err := c.AllMerchantConnectors(ctx, client.ConnectorFilter{})
			return err
		}},
		// A filter naming a store the caller cannot see matches nothing.
		{route: "GET /v1/connectors?store_id=", call: func(ctx context.Context, c *client.Client, id string) error {
			_, err := c.AllMerchantConnectors(ctx, client.ConnectorFilter{StoreIDs: []string{id}})
			return err
		}},
		{route: "GET /v1/stores/{store_id}/connectors/{method}", scoped: true, prepare: ensureConnector, call: func(ctx context.Context, c *client.Client, id string) error {
			_, err := c.GetConnector(ctx, id, jwo.MethodLoyalty)
			return err
		}},
		{route: "GET /v1/stores/{store_id}/connectors/{method}/tests", scoped: true, call: func(ctx context.Context, c *client.Client, id string) error {
			_, err := c.ListTests(ctx, id, jwo.MethodLoyalty, 0)
			return err
		}},
		{route: "GET /v1/tests/{test_id}", scoped: true, call: func(ctx context.Context, c *client.Client, id string) error {
			testID := acmeRun.ID
			if id != storeFull {
				testID = ghostRun
			}
			_, err := c.GetTest(ctx, testID)
			return err
		}},
		// Naming a run the caller cannot see matches nothing.
		{route: "GET /v1/tests?test_id=", call: func(ctx context.Context, c *client.Client, _ string) error {
			_, err := c.GetTests(ctx, []string{acmeRun.ID})
			return err
		}},
		// The latest runs are the caller's merchant's only (the leak check below).
		{route: "GET /v1/tests?limit=", call: func(ctx context.Context, c *client.Client, _ string) error {
			_, err := c.RecentTests(ctx, 0)
			return err
		}},
		{route: "GET /v1/stores/{store_id}/catalog/items", scoped: true, call: func(ctx context.Context, c *client.Client, id string) error {
			_, err := c.ListCatalogItems(ctx, id, "", "")
			return err
		}},
		{route: "GET /v1/audit-events", call: func(ctx context.Context, c *client.Client, _ string) error {
			_, err := c.AllAuditEvents(ctx, "")
			return err
		}},
		// A filter naming a store the caller cannot see matches nothing.
		{route: "GET /v1/audit-events?store_id=", call: func(ctx context.Context, c *client.Client, id string) error {
			_, err := c.AllAuditEvents(ctx, id)
			return err
		}},
		{route: "PUT /v1/stores/{store_id}/connectors/{method}", need: "operator", scoped: true, call: func(ctx context.Context, c *client.Client, id string) error {
			_, _, err := c.PutConnector(ctx, id, jwo.MethodLoyalty, in(unreachable+"/"+fmt.Sprint(created.Add(1))), client.Precondition{})
			return err
		}},
		{route: "DELETE /v1/stores/{store_id}/connectors/{method}", need: "operator", scoped: true, prepare: ensureConnector, call: func(ctx context.Context, c *client.Client, id string) error {
			return c.DeleteConnector(ctx, id, jwo.MethodLoyalty, client.Precondition{})
		}},
		{route: "POST /v1/stores/{store_id}/connectors/{method}/tests", need: "operator", scoped: true, prepare: ensureConnector, call: func(ctx context.Context, c *client.Client, id string) error {
			_, err := c.StartTest(ctx, id, jwo.MethodLoyalty, "", "")
			return err
		}},
		{route: "POST /v1/stores", need: "admin", call: func(ctx context.Context, c *client.Client, _ string) error {
			id := fmt.Sprintf("matrix-new-%d", created.Add(1))
			_, err := c.CreateStore(ctx, jwo.StoreProfile{ID: id, Name: id, StoreType: jwo.StoreTypeJWO, Region: "us-east-1", FraudAndAbuseStrategy: jwo.FraudNone})
			return err
		}},
		{route: "PATCH /v1/stores/{store_id}", need: "admin", scoped: true, call: func(ctx context.Context, c *client.Client, id string) error {
			name := fmt.Sprintf("Acme Full %d", created.Add(1))
			_, err := c.UpdateStore(ctx, id, jwo.StorePatch{Name: &name})
			return err
		}},
		{route: "PUT /v1/stores/{store_id}/catalog/items/{sku}", need: "admin", scoped: true, call: func(ctx context.Context, c *client.Client, id string) error {
			_, err := c.PutCatalogItem(ctx, id, skuWater, jwo.CatalogItemInput{Barcode: barcodeWater, BarcodeType: jwo.BarcodeUPC, Name: fmt.Sprintf("Water %d", created.Add(1))})
			return err
		}},
	}

	auditCount := func() int {
		t.Helper()
		events, err := e.admin.AllAuditEvents(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		return len(events)
	}

	for _, op := range ops {
		for _, p := range principals {
			t.Run(op.route+"/"+p, func(t *testing.T) {
				want := op.expect(p)
				if op.prepare != nil {
					op.prepare()
				}
				before := -1
				if op.need != "" && want[0] != 0 {
					before = auditCount()
				}
				err := op.call(ctx, clients[p], storeFull)
				got := status(t, err)
				if !contains(want, got) {
					t.Fatalf("status %d, want %v (%v)", got, want, err)
				}
				checkHelper(t, got, err)
				if before >= 0 {
					if after := auditCount(); after != before {
						t.Errorf("a refused write changed something: %d audit events, then %d", before, after)
					}
				}
				// For another merchant, Acme's store must look exactly like
				// one that does not exist.
				if (p == pOther || p == pOtherViewer) && op.scoped && got == 404 {
					err2 := op.call(ctx, clients[p], ghostStore)
					if got2 := status(t, err2); got2 != got {
						t.Errorf("existing store: %d, missing store: %d", got, got2)
					} else if a, b := normalized(err, storeFull, acmeRun.ID), normalized(err2, ghostStore, ghostRun); a != b {
						t.Errorf("another merchant can tell Acme's store from a missing one:\n%s\n%s", a, b)
					}
				}
			})
		}
	}

	// No answer may carry a byte of a merchant the caller does not act for:
	// Globex sees nothing of Acme, Acme nothing of Globex, a caller without
	// a valid token nothing of either. An id the request itself named may
	// come back (a 404 names what was asked for); names, URLs, SKUs, actors
	// and run ids never do.
	foreign := map[string][]string{
		pNone: append(append([]string(nil), acmeSecrets...), globexSecrets...), pBad: append(append([]string(nil), acmeSecrets...), globexSecrets...),
		pViewer: globexSecrets, pOperator: globexSecrets, pAdmin: globexSecrets,
		pOther: acmeSecrets, pOtherViewer: acmeSecrets,
	}
	for _, p := range principals {
		exchanges := recs[p].all()
		if want := len(ops); len(exchanges) < want {
			t.Errorf("%s: only %d answers recorded for %d routes", p, len(exchanges), want)
		}
		for _, x := range exchanges {
			for _, secret := range foreign[p] {
				if strings.Contains(x.body, secret) && !strings.Contains(x.url, secret) {
					t.Errorf("%s: %s %s → %d leaks %q: %.300s", p, x.method, x.url, x.status, secret, x.body)
				}
			}
		}
	}
	checkLogsAndFile(t, e, logs.String(), ops)
	// The audit filter above named Acme's store in the URL, so the check
	// above let it pass: its answer must be empty.
	if events, err := clients[pOther].AllAuditEvents(ctx, storeFull); err != nil || len(events) != 0 {
		t.Errorf("Globex filtering the audit log by Acme's store: %d events, %v", len(events), err)
	}
	if cs, err := clients[pOther].AllMerchantConnectors(ctx, client.ConnectorFilter{StoreIDs: []string{storeFull, storeCart}}); err != nil || len(cs) != 0 {
		t.Errorf("Globex filtering the connector list by Acme's stores: %d connectors, %v", len(cs), err)
	}
	if runs, err := clients[pOther].GetTests(ctx, []string{acmeRun.ID}); err != nil || len(runs) != 0 {
		t.Errorf("Globex naming Acme's run: %d runs, %v", len(runs), err)
	}
	if runs, err := clients[pViewer].GetTests(ctx, []string{acmeRun.ID}); err != nil || len(runs) != 1 {
		t.Errorf("Acme's viewer naming Acme's run: %d runs, %v; want it", len(runs), err)
	}
	if cs, err := clients[pAdmin].AllMerchantConnectors(ctx, client.ConnectorFilter{}); err != nil || len(cs) == 0 {
		t.Errorf("Acme's connector list: %d connectors, %v; want Acme's saved ones", len(cs), err)
	}
	// And Globex's list holds Globex's stores only.
	stores, err := clients[pOther].AllStores(ctx, client.StoreFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stores {
		if s.ID != storeOurs && !strings.HasPrefix(s.ID, "matrix-new-") {
			t.Errorf("Globex sees store %s", s.ID)
		}
	}
}

// TestSameStoreIDInTwoMerchants: store ids are per merchant, so Globex may
// create an id Acme has, and neither sees the other's.
func TestSameStoreIDInTwoMerchants(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	const shared = "shared-0001"
	for _, c := range []*client.Client{e.admin, e.other} {
		if _, err := c.CreateStore(ctx, jwo.StoreProfile{ID: shared, Name: "Shared", StoreType: jwo.StoreTypeDashCart, Region: "us-east-1", FraudAndAbuseStrategy: jwo.FraudNone, OrderDelegation: true}); err != nil {
			t.Fatalf("create %s: %v", shared, err)
		}
	}
	put(t, e.operator, shared, jwo.MethodOrdering, "http://127.0.0.1:9/acme")
	if _, err := e.other.GetConnector(ctx, shared, jwo.MethodOrdering); !client.IsNotFound(err) {
		t.Errorf("Globex reads Acme's connector on the shared id: %v", err)
	}
	c, err := e.other.GetCompletion(ctx, shared)
	if err != nil || c.CompletionStatus != jwo.CompletionIncomplete {
		t.Errorf("Globex's store took Acme's connector into account: %+v, %v", c, err)
	}
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// checkHelper: the client's typed helpers must agree with the status.
func checkHelper(t *testing.T, status int, err error) {
	t.Helper()
	helpers := map[int]func(error) bool{
		401: client.IsUnauthorized, 403: client.IsForbidden, 404: client.IsNotFound,
	}
	if h, ok := helpers[status]; ok && !h(err) {
		t.Errorf("the client's helper for %d does not recognise %v", status, err)
	}
}

// A store and a run that exist nowhere, to compare Acme's with.
const (
	ghostStore = "acme-ghost-0001"
	ghostRun   = "run-that-does-not-exist"
)

// normalized is a problem with the ids the request named and the
// per-request id taken out, so that two answers can be compared.
func normalized(err error, ids ...string) string {
	var ae *client.APIError
	if !errors.As(err, &ae) {
		return fmt.Sprint(err)
	}
	p := ae.Problem
	p.RequestID = ""
	b, _ := json.Marshal(p)
	out := string(b)
	for _, id := range ids {
		out = strings.ReplaceAll(out, id, "<id>")
	}
	return out
}
