package connector

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// start serves c on loopback (httptest binds 127.0.0.1) for one test.
func start(t *testing.T, c *Connector) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(c)
	t.Cleanup(func() {
		c.Close()
		srv.Close()
	})
	return srv
}

func post(t *testing.T, srv *httptest.Server, m jwo.Method, body string) (int, []byte) {
	t.Helper()
	return postCtx(t, context.Background(), srv, m, body)
}

func postCtx(t *testing.T, ctx context.Context, srv *httptest.Server, m jwo.Method, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+m.CallPath(), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", m.CallPath(), err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// payload is the request the portal's tester sends for m.
func payload(t *testing.T, m jwo.Method, tripID string) string {
	t.Helper()
	ids := jwo.SyntheticIDs{
		RequestID: "5f0c6a8e-4d1b-4f3a-9d7e-2b1c0a9e8f7d",
		EventID:   "0b8e7c6d-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
		TripID:    tripID,
		At:        time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC),
	}
	b, err := json.Marshal(jwo.TestPayload(m, "acme-sea-01", "WATER-500", ids))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func decodeInto[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("answer is not JSON: %v: %s", err, b)
	}
	return v
}

func TestValidAnswers(t *testing.T) {
	srv := start(t, New(Options{}))
	t.Run("IDENTITY", func(t *testing.T) {
		status, b := post(t, srv, jwo.MethodIdentity, payload(t, jwo.MethodIdentity, ""))
		if status != http.StatusOK {
			t.Fatalf("status %d, want 200: %s", status, b)
		}
		got := decodeInto[jwo.IdentityResponse](t, b)
		if got.VisitorDetails.ID == "" || got.VisitorDetails.Type != "SHOPPER" {
			t.Errorf("visitorDetails = %+v, want an id and type SHOPPER", got.VisitorDetails)
		}
	})
	t.Run("LOYALTY", func(t *testing.T) {
		status, b := post(t, srv, jwo.MethodLoyalty, payload(t, jwo.MethodLoyalty, ""))
		if status != http.StatusOK {
			t.Fatalf("status %d, want 200: %s", status, b)
		}
		got := decodeInto[jwo.LoyaltyResponse](t, b)
		if got.Resolution == "" || got.ScanResult.ID == "" || got.ScanResult.Type == "" {
			t.Errorf("answer = %+v, want a resolution and a scan result", got)
		}
	})
	t.Run("ORDERING", func(t *testing.T) {
		status, b := post(t, srv, jwo.MethodOrdering, payload(t, jwo.MethodOrdering, "trip-1"))
		if status != http.StatusCreated {
			t.Fatalf("status %d, want 201: %s", status, b)
		}
		if got := decodeInto[jwo.OrderingResponse](t, b); got.PurchaseID == "" {
			t.Errorf("answer %s has no purchaseId", b)
		}
	})
	t.Run("FRAUD_AND_ABUSE", func(t *testing.T) {
		status, b := post(t, srv, jwo.MethodFraudAndAbuse, payload(t, jwo.MethodFraudAndAbuse, ""))
		if status != http.StatusOK {
			t.Fatalf("status %d, want 200: %s", status, b)
		}
		got := decodeInto[jwo.FraudAndAbuseResponse](t, b)
		if !got.ShopperAuthorized || got.ShopperRisks == nil || got.AuthorizationConditions == nil {
			t.Errorf("answer = %s, want the recommendation followed and empty lists, not null", b)
		}
	})
}

func TestAnswersAreJSON(t *testing.T) {
	srv := start(t, New(Options{}))
	for _, m := range jwo.Methods {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+m.CallPath(), strings.NewReader(payload(t, m, "trip-json")))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type %q, want application/json", m, ct)
		}
		if resp.StatusCode != m.SuccessStatus() {
			t.Errorf("%s: status %d, want %d", m, resp.StatusCode, m.SuccessStatus())
		}
	}
}

func TestUnknownFieldsAreIgnored(t *testing.T) {
	srv := start(t, New(Options{}))
	body := `{"requestId":"r","storeId":"s","identityKey":"YWJj","keyChannel":"OPTICAL",
		"authEvent":{"id":"e","location":"ENTRY","futureField":1},"addedLater":{"x":[1,2]}}`
	if status, b := post(t, srv, jwo.MethodIdentity, body); status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", status, b)
	}
}

func TestBadRequests(t *testing.T) {
	srv := start(t, New(Options{}))
	tests := []struct {
		name   string
		method jwo.Method
		body   string
		want   string
	}{
		{"not JSON", jwo.MethodIdentity, `<xml/>`, "not the documented JSON object"},
		{"empty body", jwo.MethodLoyalty, ``, "not the documented JSON object"},
		{"an array", jwo.MethodOrdering, `[]`, "not the documented JSON object"},
		{"trailing data", jwo.MethodOrdering, `{"idempotentShoppingTripId":"t","storeId":"s"} {}`, "unexpected data"},
		{"wrong field type", jwo.MethodFraudAndAbuse, `{"storeId":7}`, "not the documented JSON object"},
		{"identity ids", jwo.MethodIdentity, `{"keyChannel":"OPTICAL"}`, "identityKey, requestId, storeId"},
		{"identity key not Base64", jwo.MethodIdentity, `{"requestId":"r","storeId":"s","identityKey":"not base64!"}`, "identityKey must be Base64"},
		{"identity key too long", jwo.MethodIdentity, `{"requestId":"r","storeId":"s","identityKey":"` + strings.Repeat("A", 1004) + `"}`, "at most 1000"},
		{"loyalty scan id", jwo.MethodLoyalty, `{"requestId":"r","storeId":"s","scanEvent":{"value":"v"}}`, "scanEvent.id"},
		{"ordering trip id", jwo.MethodOrdering, `{"storeId":"s","cartItems":[]}`, "idempotentShoppingTripId"},
		{"ordering item id", jwo.MethodOrdering, `{"idempotentShoppingTripId":"t","storeId":"s","cartItems":[{"type":"SKU"}]}`, "cartItems[0].id"},
		{"ordering item type", jwo.MethodOrdering, `{"idempotentShoppingTripId":"t","storeId":"s","cartItems":[{"id":"x","type":"BOX"}]}`, "cartItems[0].type"},
		{"fraud shopper", jwo.MethodFraudAndAbuse, `{"requestId":"r","storeId":"s"}`, "shopperIdentity.id"},
		{"ordering request id", jwo.MethodOrdering, `{"requestId":"r-1","idempotentShoppingTripId":"t","storeId":"s"}`, `requestId "r-1" is not a UUID`},
		{"ordering end before start", jwo.MethodOrdering, `{"idempotentShoppingTripId":"t","storeId":"s","shoppingTrip":{"startTime":"2026-01-02T10:00:00Z","endTime":"2026-01-02T09:00:00Z"}}`, "shoppingTrip.endTime is before shoppingTrip.startTime"},
		{"ordering duplicate line", jwo.MethodOrdering, `{"idempotentShoppingTripId":"t","storeId":"s","cartItems":[{"id":"x","type":"SKU","lineItemId":"l"},{"id":"y","type":"SKU","lineItemId":"l"}]}`, `cartItems[1].lineItemId "l" is given twice`},
		{"ordering empty object", jwo.MethodOrdering, `{}`, "idempotentShoppingTripId, storeId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, b := post(t, srv, tt.method, tt.body)
			if status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", status, b)
			}
			if got := decodeInto[message](t, b); !strings.Contains(got.Message, tt.want) {
				t.Errorf("message %q does not contain %q", got.Message, tt.want)
			}
		})
	}
}

// Two items without a lineItemId are no duplicate, and a trip that ends when
// it starts is no trip that ends before.
func TestOrderingEdgesThatAreNotBad(t *testing.T) {
	srv := start(t, New(Options{}))
	order(t, srv, `{"idempotentShoppingTripId":"t-1","storeId":"s","cartItems":[{"id":"x","type":"SKU"},{"id":"y","type":"SCANCODE"}]}`)
	order(t, srv, `{"requestId":"5f0c6a8e-4d1b-4f3a-9d7e-2b1c0a9e8f7d","idempotentShoppingTripId":"t-2","storeId":"s","shoppingTrip":{"startTime":"2026-01-02T10:00:00Z","endTime":"2026-01-02T10:00:00Z"}}`)
}

// The documented operations beyond the four calls: scan details and
// GetShopper.
func TestScanDetailsAndGetShopper(t *testing.T) {
	srv := start(t, New(Options{}))
	for _, tc := range []struct {
		path, body string
		status     int
		want       string
	}{
		{jwo.ScanDetailsPath, `{"storeId":"s","scanResult":{"id":"l-1","type":"LOYALTY"}}`, 200, `"id":"l-1"`},
		{jwo.ScanDetailsPath, `{"storeId":"s"}`, 400, "scanResult.id"},
		{jwo.GetShopperPath, `{"requestId":"r","storeId":"s","shopperKey":"a2V5","shopperKeyType":"QR_CODE"}`, 200, `"type":"SHOPPER"`},
		{jwo.GetShopperPath, `{"requestId":"r","storeId":"s"}`, 400, "shopperKey"},
	} {
		resp, err := srv.Client().Post(srv.URL+tc.path, "application/json", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.want) {
			t.Errorf("%s %s: %d %s, want %d with %s", tc.path, tc.body, resp.StatusCode, b, tc.status, tc.want)
		}
	}
}

func TestBodyTooLarge(t *testing.T) {
	srv := start(t, New(Options{}))
	body := `{"requestId":"r","storeId":"s","pad":"` + strings.Repeat("x", maxBody) + `"}`
	if status, b := post(t, srv, jwo.MethodLoyalty, body); status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413: %s", status, b)
	}
}

func TestRoutes(t *testing.T) {
	srv := start(t, New(Options{}))
	for _, tt := range []struct {
		verb, path string
		want       int
	}{
		{http.MethodGet, jwo.MethodOrdering.CallPath(), http.StatusMethodNotAllowed},
		{http.MethodPost, "/v1/order/purchases/extra", http.StatusNotFound},
		{http.MethodPost, "/", http.StatusNotFound},
	} {
		req, _ := http.NewRequest(tt.verb, srv.URL+tt.path, nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s %s: status %d, want %d", tt.verb, tt.path, resp.StatusCode, tt.want)
		}
		decodeInto[message](t, b)
	}
}

func TestCallsAreCounted(t *testing.T) {
	c := New(Options{})
	srv := start(t, c)
	post(t, srv, jwo.MethodOrdering, payload(t, jwo.MethodOrdering, "a"))
	post(t, srv, jwo.MethodOrdering, `not json`)
	post(t, srv, jwo.MethodLoyalty, payload(t, jwo.MethodLoyalty, ""))
	want := map[jwo.Method]int64{jwo.MethodIdentity: 0, jwo.MethodLoyalty: 1, jwo.MethodOrdering: 2, jwo.MethodFraudAndAbuse: 0}
	for m, n := range want {
		if got := c.Calls(m); got != n {
			t.Errorf("Calls(%s) = %d, want %d", m, got, n)
		}
	}
	if got := c.Calls("NOPE"); got != 0 {
		t.Errorf("Calls of an unknown method = %d, want 0", got)
	}
}

func TestSharedClientSeesEveryMethod(t *testing.T) {
	// One connector answers all four paths under one base URL, as a
	// retailer's single API Gateway stage would.
	c := New(Options{})
	srv := start(t, c)
	var wg sync.WaitGroup
	for _, m := range jwo.Methods {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, srv.URL+m.CallPath(), bytes.NewBufferString(payload(t, m, "shared")))
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			_ = resp.Body.Close()
			if resp.StatusCode != m.SuccessStatus() {
				t.Errorf("%s: status %d", m, resp.StatusCode)
			}
		}()
	}
	wg.Wait()
}
