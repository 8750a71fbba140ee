package jwo

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// The minimum set of case ids API.md fixes, per method in run order.
var documentedCaseIDs = map[Method][]string{
	MethodIdentity: {"identity.answer", "identity.unknown_fields_ignored", "identity.missing_key_refused"},
	MethodLoyalty:  {"loyalty.scan", "loyalty.unknown_fields_ignored", "loyalty.scan_details"},
	MethodOrdering: {
		"ordering.purchase", "ordering.retry_is_idempotent", "ordering.empty_cart",
		"ordering.unknown_fields_ignored", "ordering.missing_field_refused", "ordering.bad_request_id_refused",
		"ordering.end_before_start_refused", "ordering.duplicate_line_item_refused", "ordering.empty_body_refused",
	},
	MethodFraudAndAbuse: {"fraud_and_abuse.authorization", "fraud_and_abuse.unknown_fields_ignored", "fraud_and_abuse.missing_field_refused"},
}

// notRequired are the cases a connector may fail and still conform.
var notRequired = []string{"identity.get_shopper", "loyalty.scan_details"}

func TestCaseCatalog(t *testing.T) {
	t.Parallel()
	var all []string
	for _, m := range Methods {
		cases := ConformanceCases(m)
		var ids []string
		for i, c := range cases {
			ids = append(ids, c.ID)
			if c.Method != m || !strings.HasPrefix(c.ID, m.PathSegment()+".") {
				t.Errorf("%s is listed under %s", c.ID, m)
			}
			if c.Title == "" || c.Expected == "" {
				t.Errorf("%s has no title or expectation", c.ID)
			}
			if !strings.HasPrefix(c.Source, "[D] https://developer.amazon.com/docs/physicalstores/") && !strings.HasPrefix(c.Source, "[I] ") {
				t.Errorf("%s source %q is neither [D] with its page nor [I] with a reason", c.ID, c.Source)
			}
			if c.Required == slices.Contains(notRequired, c.ID) {
				t.Errorf("%s required = %t", c.ID, c.Required)
			}
			if c.DependsOn != "" && !slices.Contains(ids[:i], c.DependsOn) {
				t.Errorf("%s depends on %s, which does not run before it", c.ID, c.DependsOn)
			}
			got := c.Case()
			if want := (Case{ID: c.ID, Title: c.Title, Required: c.Required, Expected: c.Expected}); got != want {
				t.Errorf("Case() = %+v, want %+v", got, want)
			}
		}
		var documented []string
		for _, id := range ids {
			if slices.Contains(documentedCaseIDs[m], id) {
				documented = append(documented, id)
			}
		}
		if !slices.Equal(documented, documentedCaseIDs[m]) {
			t.Errorf("%s cases = %v, want at least %v in that order", m, ids, documentedCaseIDs[m])
		}
		all = append(all, ids...)
	}
	if got := CaseIDs(); !slices.Equal(got, all) {
		t.Errorf("CaseIDs() = %v, want %v", got, all)
	}
	for _, id := range all {
		if c, err := FindCase(id); err != nil || c.ID != id {
			t.Errorf("FindCase(%q) = %q, %v", id, c.ID, err)
		}
	}
	if ConformanceCases("NOPE") != nil {
		t.Error("an unknown method has cases")
	}
}

func TestFindCaseNamesTheChoices(t *testing.T) {
	t.Parallel()
	_, err := FindCase("ordering.retry")
	if err == nil || !strings.Contains(err.Error(), `"ordering.retry"`) || !strings.Contains(err.Error(), "ordering.retry_is_idempotent") {
		t.Errorf("FindCase of an unknown id: %v", err)
	}
}

var caseInput = CaseInput{
	StoreID: "acme-sea-01",
	SKU:     "WATER-500",
	IDs: SyntheticIDs{
		RequestID: "0b8f6d2e-4c1a-4e8b-9a53-2f7c1d9e6a40", EventID: "ev-1", TripID: "trip-1",
		At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600)),
	},
}

// body decodes a request body as generic JSON.
func body(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body %s: %v", b, err)
	}
	return m
}

func field(m map[string]any, path ...string) any {
	var v any = m
	for _, k := range path {
		v = v.(map[string]any)[k]
	}
	return v
}

func item(m map[string]any, i int) map[string]any {
	return m["cartItems"].([]any)[i].(map[string]any)
}

func tagged(t *testing.T, what string, v any) {
	t.Helper()
	if s, _ := v.(string); !strings.HasPrefix(s, "jwo-conformance") {
		t.Errorf("%s = %v, want a value that says it comes from a conformance run", what, v)
	}
}

func decodedKey(t *testing.T, v any) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(v.(string))
	if err != nil {
		t.Fatalf("key %v is not Base64: %v", v, err)
	}
	return string(raw)
}

// requestChecks say, per case, what its request must hold beyond the path.
var requestChecks = map[string]func(t *testing.T, m map[string]any){
	"identity.answer": func(t *testing.T, m map[string]any) {
		tagged(t, "identityKey", decodedKey(t, m["identityKey"]))
		if m["keyChannel"] != "OPTICAL" || field(m, "authEvent", "location") != "ENTRY" || field(m, "authEvent", "timestamp") != "2026-01-02T02:04:05Z" || m[UnknownField] != nil {
			t.Errorf("identity request %v", m)
		}
	},
	"identity.unknown_fields_ignored": func(t *testing.T, m map[string]any) {
		if m[UnknownField] == nil || field(m, "authEvent", UnknownField) == nil || m["identityKey"] == nil {
			t.Errorf("no unknown fields in %v", m)
		}
	},
	"identity.missing_key_refused": func(t *testing.T, m map[string]any) {
		if _, ok := m["identityKey"]; ok || m["keyChannel"] != "OPTICAL" {
			t.Errorf("request %v", m)
		}
	},
	"identity.get_shopper": func(t *testing.T, m map[string]any) {
		tagged(t, "shopperKey", decodedKey(t, m["shopperKey"]))
		if m["shopperKeyType"] != "QR_CODE" || m["timestamp"] != "2026-01-02T02:04:05Z" {
			t.Errorf("get shopper request %v", m)
		}
	},
	"loyalty.scan": func(t *testing.T, m map[string]any) {
		tagged(t, "scanEvent.value", field(m, "scanEvent", "value"))
		if decodedKey(t, field(m, "scanEvent", "id")) != field(m, "scanEvent", "value") || field(m, "scanEvent", "channel") != "OPTICAL" || m[UnknownField] != nil {
			t.Errorf("loyalty request %v", m)
		}
	},
	"loyalty.unknown_fields_ignored": func(t *testing.T, m map[string]any) {
		if m[UnknownField] == nil || field(m, "scanEvent", UnknownField) == nil {
			t.Errorf("no unknown fields in %v", m)
		}
	},
	"ordering.purchase":   purchaseOf(1),
	"ordering.empty_cart": purchaseOf(0),
	"ordering.unknown_fields_ignored": func(t *testing.T, m map[string]any) {
		purchaseOf(1)(t, withoutUnknown(m))
		if m[UnknownField] == nil || item(m, 0)[UnknownField] == nil {
			t.Errorf("no unknown fields in %v", m)
		}
	},
	"ordering.missing_field_refused": func(t *testing.T, m map[string]any) {
		if _, ok := m["storeId"]; ok || m["idempotentShoppingTripId"] == nil {
			t.Errorf("request %v", m)
		}
	},
	"ordering.bad_request_id_refused": func(t *testing.T, m map[string]any) {
		if m["requestId"] != "jwo-conformance-not-a-uuid" {
			t.Errorf("requestId = %v", m["requestId"])
		}
	},
	"ordering.end_before_start_refused": func(t *testing.T, m map[string]any) {
		if field(m, "shoppingTrip", "startTime") != "2026-01-02T02:04:05Z" || field(m, "shoppingTrip", "endTime") != "2026-01-02T01:59:05Z" {
			t.Errorf("trip %v", m["shoppingTrip"])
		}
	},
	"ordering.duplicate_line_item_refused": func(t *testing.T, m map[string]any) {
		items := m["cartItems"].([]any)
		if len(items) != 2 || item(m, 0)["lineItemId"] != item(m, 1)["lineItemId"] || item(m, 0)["lineItemId"] == nil {
			t.Errorf("cartItems = %v", items)
		}
	},
	"fraud_and_abuse.authorization": func(t *testing.T, m map[string]any) {
		tagged(t, "shopperIdentity.id", field(m, "shopperIdentity", "id"))
		tagged(t, "shopperInteraction.shoppingTripId", field(m, "shopperInteraction", "shoppingTripId"))
		if field(m, "shopperInteraction", "recommendation", "shopperAuthorized") != true || field(m, "authorizedAmount", "value") != 0.0 ||
			field(m, "shopperInteraction", "gateAuthenticationEvent", "timestamp") != "2026-01-02T02:04:05Z" || m[UnknownField] != nil {
			t.Errorf("fraud request %v", m)
		}
	},
	"fraud_and_abuse.unknown_fields_ignored": func(t *testing.T, m map[string]any) {
		if m[UnknownField] == nil || field(m, "shopperIdentity", UnknownField) == nil {
			t.Errorf("no unknown fields in %v", m)
		}
	},
	"fraud_and_abuse.missing_field_refused": func(t *testing.T, m map[string]any) {
		if _, ok := m["storeId"]; ok || m["shopperIdentity"] == nil {
			t.Errorf("request %v", m)
		}
	},
}

func withoutUnknown(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if k != UnknownField {
			out[k] = v
		}
	}
	return out
}

func purchaseOf(n int) func(t *testing.T, m map[string]any) {
	return func(t *testing.T, m map[string]any) {
		t.Helper()
		tagged(t, "idempotentShoppingTripId", m["idempotentShoppingTripId"])
		if m["requestId"] != caseInput.IDs.RequestID || field(m, "shoppingTrip", "endTime") != "2026-01-02T02:04:05Z" || field(m, "shoppingTrip", "startTime") != "2026-01-02T01:59:05Z" || m[UnknownField] != nil {
			t.Errorf("ordering request %v", m)
		}
		events, _ := field(m, "shoppingTrip", "authEvents").([]any)
		if len(events) != 1 || events[0].(map[string]any)["id"] != "ev-1" || events[0].(map[string]any)["payloadType"] != "FINANCIAL" || events[0].(map[string]any)["location"] != "ENTRY" {
			t.Errorf("authEvents = %v", events)
		}
		items, ok := m["cartItems"].([]any)
		if !ok || len(items) != n {
			t.Fatalf("cartItems = %v, want %d items", m["cartItems"], n)
		}
		for i := range items {
			it := item(m, i)
			if want := fmt.Sprintf("jwo-conformance-ev-1-%d", i+1); it["lineItemId"] != want {
				t.Errorf("lineItemId = %v, want %s", it["lineItemId"], want)
			}
			if it["id"] != "WATER-500" || it["type"] != "SKU" || field(it, "quantity", "value") != "1" {
				t.Errorf("item %v", it)
			}
		}
	}
}

func TestCaseRequests(t *testing.T) {
	t.Parallel()
	paths := map[string]string{"identity.get_shopper": GetShopperPath, "loyalty.scan_details": ScanDetailsPath}
	scanned := &Exchange{Answer: ans(200, `{"resolution":"ACCEPTED","scanResult":{"id":"l-1","type":"LOYALTY"}}`)}
	deps := map[string]*Exchange{"ordering.retry_is_idempotent": {Request: CaseRequest{Path: "/p", Body: []byte(`{"x":1}`)}, Answer: firstPurchase.Answer}, "loyalty.scan_details": scanned}
	for _, id := range CaseIDs() {
		spec, _ := FindCase(id)
		req, err := spec.Build(caseInput, deps[id])
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		wantPath := spec.Method.CallPath()
		if p, ok := paths[id]; ok {
			wantPath = p
		}
		switch id {
		case "ordering.retry_is_idempotent":
			if req.Path != "/p" || string(req.Body) != `{"x":1}` {
				t.Errorf("the retry sent %s %s, want the first call's request", req.Path, req.Body)
			}
			continue
		case "ordering.empty_body_refused":
			if req.Path != wantPath || string(req.Body) != "{}" {
				t.Errorf("%s sent %s %s", id, req.Path, req.Body)
			}
			continue
		}
		if req.Path != wantPath {
			t.Errorf("%s path = %s, want %s", id, req.Path, wantPath)
		}
		m := body(t, req.Body)
		if _, present := m["storeId"]; !present && !strings.HasSuffix(id, "missing_field_refused") || present && m["storeId"] != "acme-sea-01" {
			t.Errorf("%s storeId = %v", id, m["storeId"])
		}
		if check, ok := requestChecks[id]; ok {
			check(t, m)
		} else if id != "loyalty.scan_details" {
			t.Errorf("%s: no check of its request", id)
		}
	}
}

func TestScanDetailsAsksForTheScannedResult(t *testing.T) {
	t.Parallel()
	spec, _ := FindCase("loyalty.scan_details")
	req, err := spec.Build(caseInput, &Exchange{Answer: ans(200, `{"resolution":"ACCEPTED","scanResult":{"id":"l-1","type":"LOYALTY"}}`)})
	if err != nil || string(req.Body) != `{"storeId":"acme-sea-01","scanResult":{"id":"l-1","type":"LOYALTY"}}` {
		t.Errorf("scan details request %s, %v", req.Body, err)
	}
	for name, dep := range map[string]*Exchange{
		"no scan":         nil,
		"no scanResult":   {Answer: ans(200, `{"resolution":"REJECTED"}`)},
		"empty id":        {Answer: ans(200, `{"resolution":"ACCEPTED","scanResult":{"id":""}}`)},
		"scan not JSON":   {Answer: ans(200, `<html>`)},
		"id not a string": {Answer: ans(200, `{"scanResult":{"id":5}}`)},
	} {
		if _, err := spec.Build(caseInput, dep); err == nil || !strings.Contains(err.Error(), "not sent: loyalty.scan answered no scanResult id") {
			t.Errorf("%s: Build error = %v", name, err)
		}
	}
}

func TestRetryIsNotSentWithoutAFirstPurchase(t *testing.T) {
	t.Parallel()
	spec, _ := FindCase("ordering.retry_is_idempotent")
	for name, dep := range map[string]*Exchange{
		"no first call": nil,
		"no purchaseId": {Answer: ans(201, `{}`)},
		"refused":       {Answer: ans(400, `{"message":"x"}`)},
	} {
		if _, err := spec.Build(caseInput, dep); err == nil || err.Error() != "not sent: ordering.purchase gave no purchaseId to compare a retry with" {
			t.Errorf("%s: Build error = %v", name, err)
		}
	}
	// A first call that answered 200 with a purchaseId still has one to
	// compare with: it failed its own case, not the retry's.
	if _, err := spec.Build(caseInput, &Exchange{Answer: ans(200, `{"purchaseId":"p-1"}`)}); err != nil {
		t.Errorf("Build after a 200 purchase: %v", err)
	}
}

func TestCaseRequestsAreFreshPerInput(t *testing.T) {
	t.Parallel()
	other := caseInput
	other.IDs.TripID, other.IDs.EventID = "trip-2", "ev-2"
	for _, id := range []string{"ordering.purchase", "identity.answer", "loyalty.scan"} {
		spec, _ := FindCase(id)
		a, _ := spec.Build(caseInput, nil)
		b, _ := spec.Build(other, nil)
		if bytes.Equal(a.Body, b.Body) {
			t.Errorf("%s sends the same body for different ids: %s", id, a.Body)
		}
	}
}

func TestSuiteOutcome(t *testing.T) {
	t.Parallel()
	c := func(id string, required bool, s CaseStatus) Case { return Case{ID: id, Required: required, Status: s} }
	for _, tc := range []struct {
		name   string
		cases  []Case
		status TestStatus
		reason FailureReason
		msg    string
	}{
		{"all passed", []Case{c("a", true, CasePassed), c("b", false, CasePassed)}, TestSuccessful, ReasonNone,
			"Every required case passed (2 of 2 cases passed)."},
		{"optional failed and skipped", []Case{c("a", true, CasePassed), c("b", false, CaseFailed), c("d", false, CaseSkipped)}, TestSuccessful, ReasonNone,
			"Every required case passed (1 of 3 cases passed; not required but failed: b)."},
		{"required failed", []Case{c("a", true, CaseFailed), c("b", true, CasePassed), c("e", false, CaseFailed)}, TestUnsuccessful, ReasonConformance,
			"Required cases did not pass: a (FAILED) (1 of 3 cases passed; not required but failed: e)."},
		{"required skipped", []Case{c("a", true, CaseFailed), c("r", true, CaseSkipped)}, TestUnsuccessful, ReasonConformance,
			"Required cases did not pass: a (FAILED), r (SKIPPED) (0 of 2 cases passed)."},
	} {
		status, reason, msg := SuiteOutcome(tc.cases)
		if status != tc.status || reason != tc.reason || msg != tc.msg {
			t.Errorf("%s: SuiteOutcome = %s, %q, %q; want %s, %q, %q", tc.name, status, reason, msg, tc.status, tc.reason, tc.msg)
		}
	}
}

func TestParseSuite(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Suite{"": SuiteConnectivity, "CONNECTIVITY": SuiteConnectivity, "CONFORMANCE": SuiteConformance} {
		if got, err := ParseSuite(in); got != want || err != nil {
			t.Errorf("ParseSuite(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseSuite("conformance"); err == nil || err.Error() != `unknown suite "conformance": use one of "CONNECTIVITY", "CONFORMANCE"` {
		t.Errorf("ParseSuite(lower case) error = %v", err)
	}
}

func TestUnreachableReasons(t *testing.T) {
	t.Parallel()
	var got []FailureReason
	for _, r := range FailureReasons {
		if r.Unreachable() {
			got = append(got, r)
		}
	}
	if want := []FailureReason{ReasonDNS, ReasonConnect, ReasonTLS, ReasonTimeout}; !slices.Equal(got, want) {
		t.Errorf("unreachable reasons = %v, want %v", got, want)
	}
}
