package client

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

var (
	t0 = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	t1 = t0.Add(1500 * time.Millisecond)

	sampleStore = jwo.Store{
		StoreProfile: jwo.StoreProfile{
			ID: "acme-sea-01", Name: "Acme Seattle 1", StoreType: jwo.StoreTypeJWO, Region: "us-east-1",
			EntryMethods:          []jwo.EntryMethod{jwo.EntryAppQR, jwo.EntryCreditCard},
			FraudAndAbuseStrategy: jwo.FraudCustomerManaged, OrderDelegation: true, LoyaltyProgram: true,
		},
		RequiredMethods:  []jwo.Method{jwo.MethodIdentity, jwo.MethodLoyalty, jwo.MethodOrdering, jwo.MethodFraudAndAbuse},
		CompletionStatus: jwo.CompletionIncomplete,
		MissingMethods:   []jwo.Method{jwo.MethodOrdering},
	}
	sampleConnector = jwo.Connector{
		StoreID: "acme-sea-01", Method: jwo.MethodOrdering, EndpointURL: "https://api.example.com/prod",
		EndpointType: jwo.EndpointPublic, ConnectivityStatus: jwo.ConnectivityUntested, Version: 3,
		CreatedAt: t0, UpdatedAt: t1, UpdatedBy: "operator@acme",
	}
	sampleTest = jwo.ConnectivityTest{
		ID: "run-1", StoreID: "acme-sea-01", Method: jwo.MethodOrdering, SKU: "WATER-500",
		EndpointURL: "https://api.example.com/prod", EndpointType: jwo.EndpointPublic,
		Status: jwo.TestSuccessful, HTTPStatus: 201, LatencyMS: 42, StartedAt: t0, CompletedAt: &t1,
		TriggeredBy: "operator@acme",
	}
	sampleItem = jwo.CatalogItem{SKU: "WATER-500", Barcode: "036000291452", BarcodeType: jwo.BarcodeUPC, Name: "Still water 500 ml"}
)

type putResult struct {
	Conn    jwo.Connector
	Created bool
}

// TestCalls checks, for every call of API.md, the method, path, query,
// headers and body on the wire and the decoding of the answer.
func TestCalls(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name       string
		call       func(c *Client) (any, error)
		method     string
		path       string
		query      string
		header     map[string]string // "" means the header must be absent
		body       string            // JSON, compared semantically; "" means no body
		status     int
		answer     any // JSON-encoded as the answer; a string is sent raw
		want       any
		wantResult bool // compare the result with want
	}{
		{
			name:   "Health",
			call:   func(c *Client) (any, error) { return nil, c.Health(ctx) },
			method: "GET", path: "/healthz", status: 200, answer: "ok",
		},
		{
			name:   "OpenAPI",
			call:   func(c *Client) (any, error) { b, err := c.OpenAPI(ctx); return string(b), err },
			method: "GET", path: "/v1/openapi.json", status: 200, answer: `{"openapi":"3.1.0"}`,
			want: `{"openapi":"3.1.0"}`, wantResult: true,
		},
		{
			name: "ListStores with every filter",
			call: func(c *Client) (any, error) {
				return c.ListStores(ctx, StoreFilter{StoreType: jwo.StoreTypeJWO, CompletionStatus: jwo.CompletionIncomplete, Method: jwo.MethodOrdering, PageSize: 50}, "tok/2")
			},
			method: "GET", path: "/v1/stores",
			query:  "completion_status=INCOMPLETE&method=ORDERING&page_size=50&page_token=tok%2F2&store_type=JWO",
			status: 200, answer: jwo.StorePage{Stores: []jwo.Store{sampleStore}, NextPageToken: "tok3"},
			want: jwo.StorePage{Stores: []jwo.Store{sampleStore}, NextPageToken: "tok3"}, wantResult: true,
		},
		{
			name:   "ListStores without filter",
			call:   func(c *Client) (any, error) { return c.ListStores(ctx, StoreFilter{}, "") },
			method: "GET", path: "/v1/stores", status: 200, answer: jwo.StorePage{Stores: []jwo.Store{}},
			want: jwo.StorePage{Stores: []jwo.Store{}}, wantResult: true,
		},
		{
			name: "ListMerchantConnectors with every filter",
			call: func(c *Client) (any, error) {
				return c.ListMerchantConnectors(ctx, ConnectorFilter{StoreIDs: []string{"acme-sea-01", "acme-cart-01"}, Method: jwo.MethodOrdering,
					StoreType: jwo.StoreTypeJWO, ConnectivityStatus: jwo.ConnectivityUntested, PageSize: 500}, "c2")
			},
			method: "GET", path: "/v1/connectors",
			query:  "connectivity_status=UNTESTED&method=ORDERING&page_size=500&page_token=c2&store_id=acme-sea-01%2Cacme-cart-01&store_type=JWO",
			status: 200, answer: jwo.ConnectorPage{Connectors: []jwo.Connector{sampleConnector}, NextPageToken: "c3"},
			want: jwo.ConnectorPage{Connectors: []jwo.Connector{sampleConnector}, NextPageToken: "c3"}, wantResult: true,
		},
		{
			name:   "ListMerchantConnectors without filter",
			call:   func(c *Client) (any, error) { return c.ListMerchantConnectors(ctx, ConnectorFilter{}, "") },
			method: "GET", path: "/v1/connectors", status: 200, answer: jwo.ConnectorPage{Connectors: []jwo.Connector{}},
			want: jwo.ConnectorPage{Connectors: []jwo.Connector{}}, wantResult: true,
		},
		{
			name:   "GetStore escapes the id",
			call:   func(c *Client) (any, error) { return c.GetStore(ctx, "acme/sea 01") },
			method: "GET", path: "/v1/stores/acme%2Fsea%2001", status: 200, answer: sampleStore,
			want: sampleStore, wantResult: true,
		},
		{
			name:   "GetCompletion",
			call:   func(c *Client) (any, error) { return c.GetCompletion(ctx, "acme-sea-01") },
			method: "GET", path: "/v1/stores/acme-sea-01/completion", status: 200,
			answer:     jwo.Completion{StoreID: "acme-sea-01", CompletionStatus: jwo.CompletionComplete, RequiredMethods: []jwo.Method{jwo.MethodLoyalty}, ConfiguredMethods: []jwo.Method{jwo.MethodLoyalty}, MissingMethods: []jwo.Method{}},
			want:       jwo.Completion{StoreID: "acme-sea-01", CompletionStatus: jwo.CompletionComplete, RequiredMethods: []jwo.Method{jwo.MethodLoyalty}, ConfiguredMethods: []jwo.Method{jwo.MethodLoyalty}, MissingMethods: []jwo.Method{}},
			wantResult: true,
		},
		{
			name:   "CreateStore",
			call:   func(c *Client) (any, error) { return c.CreateStore(ctx, sampleStore.StoreProfile) },
			method: "POST", path: "/v1/stores", header: map[string]string{"Content-Type": "application/json"},
			body:   `{"id":"acme-sea-01","name":"Acme Seattle 1","store_type":"JWO","region":"us-east-1","entry_methods":["APP_QR","CREDIT_CARD"],"fraud_and_abuse_strategy":"CUSTOMER_MANAGED","order_delegation":true,"loyalty_program":true}`,
			status: 201, answer: sampleStore, want: sampleStore, wantResult: true,
		},
		{
			name: "UpdateStore sends only the patched fields",
			call: func(c *Client) (any, error) {
				name := "Acme Seattle One"
				return c.UpdateStore(ctx, "acme-sea-01", jwo.StorePatch{Name: &name})
			},
			method: "PATCH", path: "/v1/stores/acme-sea-01", body: `{"name":"Acme Seattle One"}`,
			status: 200, answer: sampleStore, want: sampleStore, wantResult: true,
		},
		{
			name:   "ListConnectors",
			call:   func(c *Client) (any, error) { return c.ListConnectors(ctx, "acme-sea-01") },
			method: "GET", path: "/v1/stores/acme-sea-01/connectors", status: 200,
			answer: jwo.ConnectorList{Connectors: []jwo.Connector{sampleConnector}},
			want:   []jwo.Connector{sampleConnector}, wantResult: true,
		},
		{
			name:   "GetConnector uses the lower-case method whatever the case given",
			call:   func(c *Client) (any, error) { return c.GetConnector(ctx, "acme-sea-01", "Fraud_And_Abuse") },
			method: "GET", path: "/v1/stores/acme-sea-01/connectors/fraud_and_abuse", status: 200,
			answer: sampleConnector, want: sampleConnector, wantResult: true,
		},
		{
			name: "PutConnector create-only answers 201",
			call: func(c *Client) (any, error) {
				conn, created, err := c.PutConnector(ctx, "acme-sea-01", jwo.MethodOrdering,
					jwo.ConnectorInput{EndpointURL: "https://api.example.com/prod", EndpointType: jwo.EndpointPublic}, Precondition{IfNoneMatch: true})
				return putResult{conn, created}, err
			},
			method: "PUT", path: "/v1/stores/acme-sea-01/connectors/ordering",
			header: map[string]string{"If-None-Match": "*", "If-Match": "", "Content-Type": "application/json"},
			body:   `{"endpoint_url":"https://api.example.com/prod","endpoint_type":"PUBLIC"}`,
			status: 201, answer: sampleConnector, want: putResult{sampleConnector, true}, wantResult: true,
		},
		{
			name: "PutConnector replace with If-Match answers 200",
			call: func(c *Client) (any, error) {
				conn, created, err := c.PutConnector(ctx, "acme-sea-01", jwo.MethodOrdering,
					jwo.ConnectorInput{EndpointURL: "https://api.example.com/prod", EndpointType: jwo.EndpointPublic}, Precondition{IfMatchVersion: 3})
				return putResult{conn, created}, err
			},
			method: "PUT", path: "/v1/stores/acme-sea-01/connectors/ordering",
			header: map[string]string{"If-Match": `"3"`, "If-None-Match": ""},
			body:   `{"endpoint_url":"https://api.example.com/prod","endpoint_type":"PUBLIC"}`,
			status: 200, answer: sampleConnector, want: putResult{sampleConnector, false}, wantResult: true,
		},
		{
			name: "PutConnector without precondition",
			call: func(c *Client) (any, error) {
				_, created, err := c.PutConnector(ctx, "acme-sea-01", jwo.MethodLoyalty,
					jwo.ConnectorInput{EndpointURL: "https://api.example.com/prod", EndpointType: jwo.EndpointPrivate}, Precondition{})
				return created, err
			},
			method: "PUT", path: "/v1/stores/acme-sea-01/connectors/loyalty",
			header: map[string]string{"If-Match": "", "If-None-Match": ""},
			body:   `{"endpoint_url":"https://api.example.com/prod","endpoint_type":"PRIVATE"}`,
			status: 200, answer: sampleConnector, want: false, wantResult: true,
		},
		{
			name: "DeleteConnector with If-Match",
			call: func(c *Client) (any, error) {
				return nil, c.DeleteConnector(ctx, "acme-sea-01", jwo.MethodIdentity, Precondition{IfMatchVersion: 7})
			},
			method: "DELETE", path: "/v1/stores/acme-sea-01/connectors/identity",
			header: map[string]string{"If-Match": `"7"`, "Content-Type": ""}, status: 204,
		},
		{
			name: "StartTest with sku and idempotency key",
			call: func(c *Client) (any, error) {
				return c.StartTest(ctx, "acme-sea-01", jwo.MethodOrdering, "WATER-500", "key-1")
			},
			method: "POST", path: "/v1/stores/acme-sea-01/connectors/ordering/tests",
			header: map[string]string{"Idempotency-Key": "key-1", "Content-Type": "application/json"},
			body:   `{"sku":"WATER-500"}`, status: 202, answer: sampleTest, want: sampleTest, wantResult: true,
		},
		{
			name: "StartTest without sku sends no body",
			call: func(c *Client) (any, error) {
				return c.StartTest(ctx, "acme-sea-01", jwo.MethodIdentity, "", "")
			},
			method: "POST", path: "/v1/stores/acme-sea-01/connectors/identity/tests",
			header: map[string]string{"Idempotency-Key": "", "Content-Type": ""},
			status: 202, answer: sampleTest, want: sampleTest, wantResult: true,
		},
		{
			name:   "GetTest",
			call:   func(c *Client) (any, error) { return c.GetTest(ctx, "run-1") },
			method: "GET", path: "/v1/tests/run-1", status: 200, answer: sampleTest, want: sampleTest, wantResult: true,
		},
		{
			name:   "ListTests with limit",
			call:   func(c *Client) (any, error) { return c.ListTests(ctx, "acme-sea-01", jwo.MethodOrdering, 5) },
			method: "GET", path: "/v1/stores/acme-sea-01/connectors/ordering/tests", query: "limit=5",
			status: 200, answer: jwo.TestList{Tests: []jwo.ConnectivityTest{sampleTest}},
			want: []jwo.ConnectivityTest{sampleTest}, wantResult: true,
		},
		{
			name:   "ListCatalogItems",
			call:   func(c *Client) (any, error) { return c.ListCatalogItems(ctx, "acme-sea-01", "WATER-500", "p2") },
			method: "GET", path: "/v1/stores/acme-sea-01/catalog/items", query: "page_token=p2&sku=WATER-500",
			status: 200, answer: jwo.CatalogPage{Items: []jwo.CatalogItem{sampleItem}},
			want: jwo.CatalogPage{Items: []jwo.CatalogItem{sampleItem}}, wantResult: true,
		},
		{
			name: "PutCatalogItem escapes the sku",
			call: func(c *Client) (any, error) {
				return c.PutCatalogItem(ctx, "acme-sea-01", "WATER/500 ml", jwo.CatalogItemInput{Barcode: "036000291452", BarcodeType: jwo.BarcodeUPC, Name: "Still water 500 ml"})
			},
			method: "PUT", path: "/v1/stores/acme-sea-01/catalog/items/WATER%2F500%20ml",
			body:   `{"barcode":"036000291452","barcode_type":"UPC","name":"Still water 500 ml"}`,
			status: 200, answer: sampleItem, want: sampleItem, wantResult: true,
		},
		{
			name:   "ListAuditEvents",
			call:   func(c *Client) (any, error) { return c.ListAuditEvents(ctx, "acme-sea-01", "a2") },
			method: "GET", path: "/v1/audit-events", query: "page_token=a2&store_id=acme-sea-01", status: 200,
			answer:     jwo.AuditPage{Events: []jwo.AuditEvent{{ID: 9, At: t0, Actor: "admin@acme", Action: jwo.ActionConnectorUpdate, StoreID: "acme-sea-01", Method: jwo.MethodOrdering, Before: json.RawMessage(`{"version":1}`), After: json.RawMessage(`{"version":2}`)}}},
			want:       jwo.AuditPage{Events: []jwo.AuditEvent{{ID: 9, At: t0, Actor: "admin@acme", Action: jwo.ActionConnectorUpdate, StoreID: "acme-sea-01", Method: jwo.MethodOrdering, Before: json.RawMessage(`{"version":1}`), After: json.RawMessage(`{"version":2}`)}}},
			wantResult: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				if s, ok := tt.answer.(string); ok {
					w.WriteHeader(tt.status)
					_, _ = w.Write([]byte(s))
					return
				}
				if tt.answer == nil {
					w.WriteHeader(tt.status)
					return
				}
				writeJSON(w, tt.status, tt.answer)
			})
			c := newTestClient(t, f.URL)

			got, err := tt.call(c)
			if err != nil {
				t.Fatalf("call failed: %v", err)
			}
			reqs := f.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			req := reqs[0]
			if req.Method != tt.method || req.Path != tt.path || req.Query != tt.query {
				t.Errorf("request = %s %s?%s, want %s %s?%s", req.Method, req.Path, req.Query, tt.method, tt.path, tt.query)
			}
			if got := req.Header.Get("Authorization"); got != "Bearer "+testToken {
				t.Errorf("Authorization = %q", got)
			}
			if got := req.Header.Get("Accept"); got != "application/json, application/problem+json" {
				t.Errorf("Accept = %q", got)
			}
			for k, want := range tt.header {
				if got := req.Header.Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
			assertJSONBody(t, req.Body, tt.body)
			if tt.wantResult && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("result =\n%#v\nwant\n%#v", got, tt.want)
			}
		})
	}
}

func assertJSONBody(t *testing.T, got, want string) {
	t.Helper()
	if want == "" {
		if got != "" {
			t.Errorf("body = %q, want none", got)
		}
		return
	}
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("body %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad test: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("body = %s, want %s", got, want)
	}
}

// Calls with an argument that cannot name a resource fail before any request.
func TestCallsRejectBadArguments(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { w.WriteHeader(http.StatusOK) })
	c := newTestClient(t, f.URL)
	ctx := context.Background()
	checks := map[string]error{}
	_, checks["GetStore empty id"] = c.GetStore(ctx, "")
	_, checks["GetConnector unknown method"] = c.GetConnector(ctx, "s1", "PAYMENT")
	_, checks["GetTest empty id"] = c.GetTest(ctx, " ")
	_, checks["PutCatalogItem empty sku"] = c.PutCatalogItem(ctx, "s1", "", jwo.CatalogItemInput{})
	_, _, checks["PutConnector both preconditions"] = c.PutConnector(ctx, "s1", jwo.MethodOrdering, jwo.ConnectorInput{}, Precondition{IfMatchVersion: 1, IfNoneMatch: true})
	checks["DeleteConnector negative version"] = c.DeleteConnector(ctx, "s1", jwo.MethodOrdering, Precondition{IfMatchVersion: -1})
	for name, err := range checks {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if n := f.count(); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}
