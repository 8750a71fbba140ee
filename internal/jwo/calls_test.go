package jwo

import (
	"encoding/json"
	"testing"
	"time"
)

func TestTestPayloadShapes(t *testing.T) {
	ids := SyntheticIDs{RequestID: "req-1", EventID: "ev-1", TripID: "trip-1", At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	for _, m := range Methods {
		raw, err := json.Marshal(TestPayload(m, "store-1", "WATER-500", ids))
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		var got map[string]any
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		if got["storeId"] != "store-1" {
			t.Errorf("%s: storeId = %v", m, got["storeId"])
		}
		switch m {
		case MethodIdentity:
			if got["keyChannel"] != "OPTICAL" || got["identityKey"] == "" || got["authEvent"].(map[string]any)["location"] != "ENTRY" {
				t.Errorf("identity payload %s", raw)
			}
		case MethodLoyalty:
			if got["scanEvent"].(map[string]any)["channel"] != "OPTICAL" {
				t.Errorf("loyalty payload %s", raw)
			}
		case MethodOrdering:
			items := got["cartItems"].([]any)
			if got["idempotentShoppingTripId"] != "trip-1" || got["requestId"] != "req-1" || len(items) != 1 || items[0].(map[string]any)["id"] != "WATER-500" || items[0].(map[string]any)["type"] != "SKU" {
				t.Errorf("ordering payload %s", raw)
			}
		case MethodFraudAndAbuse:
			interaction, _ := got["shopperInteraction"].(map[string]any)
			if got["shopperIdentity"] == nil || got["authorizedAmount"].(map[string]any)["value"] != 0.0 || interaction["shoppingTripId"] != "trip-1" || interaction["recommendation"] == nil {
				t.Errorf("fraud payload %s", raw)
			}
		}
	}
}
