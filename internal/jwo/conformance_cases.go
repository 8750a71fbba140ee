package jwo

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// The documentation each case comes from (the product's public developer
// documentation; DOMAIN.md, "Conformance", lists the same).
const (
	docPages                = "https://developer.amazon.com/docs/physicalstores/"
	docVerifyIdentityKeys   = docPages + "verify_identity_keys.html"
	docVerifyIdentityCases  = docPages + "verify_identity_keys_test_cases.html"
	docGetShopper           = docPages + "get_shopper.html"
	docResolveScan          = docPages + "resolve_scan.html"
	docResolveScanCases     = docPages + "resolve_scan_test_cases.html"
	docGetScanDetails       = docPages + "get_scan_details.html"
	docCreatePurchases      = docPages + "create_purchases.html"
	docCreatePurchasesCases = docPages + "create_purchases_test_cases.html"
	docFraudAndAbuse        = docPages + "fraud_abuse_api.html"
	docCreditCardTestPlan   = docPages + "credit_card_fully_delegated_test_plan.html"
)

// Paths of the documented operations that are not a method's own call.
const (
	ScanDetailsPath = "/v1/identity/scan/details"
	GetShopperPath  = "/v1/identity/shopper"
)

// conformanceTag marks every synthetic value a suite sends that may hold
// free text, so that a retailer reading its logs sees where it came from.
// requestId and event ids stay bare UUIDs: the documentation fixes their form.
const conformanceTag = "jwo-conformance"

// UnknownField is the field the unknown-fields cases add, at the top level
// and inside a nested object.
const UnknownField = "jwoConformanceUnknownField"

const unknownValue = "sent by a conformance run: receivers must ignore unknown fields"

const (
	expectIgnored = "the same answer as without the unknown fields: receivers must ignore them"
	expectRefused = "400 Bad Request"
)

var conformanceCases = []CaseSpec{
	// IDENTITY
	{
		ID: "identity.answer", Title: "A well-formed identity key is answered", Required: true, Method: MethodIdentity,
		Source:   "[D] " + docVerifyIdentityCases + " (1. Successful Authorization; the denial shape is [I]: no visitorDetails id)",
		Expected: "200 with a JSON object: visitorDetails {id, type SHOPPER or ASSOCIATE} opens the gate, no visitorDetails id keeps it closed",
		build:    send(MethodIdentity.CallPath(), func(in CaseInput) any { return identityRequest(in) }),
		judge:    judgeIdentity,
	},
	{
		ID: "identity.unknown_fields_ignored", Title: "Unknown fields in the request are ignored", Required: true, Method: MethodIdentity,
		Source:   "[D] " + docVerifyIdentityKeys + " (\"new attributes might be added\")",
		Expected: expectIgnored + " (200 with a JSON object)",
		build:    sendEdited(MethodIdentity.CallPath(), func(in CaseInput) any { return identityRequest(in) }, addUnknown("authEvent")),
		judge:    judgeIdentity,
	},
	{
		ID: "identity.missing_key_refused", Title: "A request without identityKey never opens the gate", Required: true, Method: MethodIdentity,
		Source:   "[I] identityKey is required (" + docVerifyIdentityKeys + "); any answer but a 2xx with a visitorDetails id passes",
		Expected: "no open gate: any answer but a 2xx whose visitorDetails has an id",
		build:    sendEdited(MethodIdentity.CallPath(), func(in CaseInput) any { return identityRequest(in) }, drop("identityKey")),
		judge:    judgeKeyRefused,
	},
	{
		ID: "identity.get_shopper", Title: "GetShopper answers a lookup of an unknown key", Method: MethodIdentity,
		Source:   "[D] " + docGetShopper + " (the operation); [I] not required, and a 4xx for a key the retailer cannot know passes",
		Expected: "200 with a JSON object, or a 4xx refusing the unknown key; no server error",
		build:    send(GetShopperPath, func(in CaseInput) any { return getShopperRequest(in) }),
		judge:    judgeLookup,
	},
	// LOYALTY
	{
		ID: "loyalty.scan", Title: "A loyalty scan is resolved", Required: true, Method: MethodLoyalty,
		Source:   "[D] " + docResolveScanCases + " (1. Successful Scan Resolution (200))",
		Expected: "200 with a JSON object carrying a resolution",
		build:    send(MethodLoyalty.CallPath(), func(in CaseInput) any { return loyaltyRequest(in) }),
		judge:    judgeScan,
	},
	{
		ID: "loyalty.unknown_fields_ignored", Title: "Unknown fields in the request are ignored", Required: true, Method: MethodLoyalty,
		Source:   "[D] " + docResolveScan + " (\"new attributes might be added\")",
		Expected: expectIgnored + " (200 with a resolution)",
		build:    sendEdited(MethodLoyalty.CallPath(), func(in CaseInput) any { return loyaltyRequest(in) }, addUnknown("scanEvent")),
		judge:    judgeScan,
	},
	{
		ID: "loyalty.scan_details", Title: "Scan details are answered for the resolved scan", Method: MethodLoyalty, DependsOn: "loyalty.scan",
		Source:   "[D] " + docGetScanDetails + " (added 08/2025); [I] not required, older connectors predate it",
		Expected: "200 with a JSON object for the scanResult loyalty.scan answered",
		build:    buildScanDetails,
		judge:    judgeObject200,
	},
	// ORDERING
	{
		ID: "ordering.purchase", Title: "A cart of one item is purchased", Required: true, Method: MethodOrdering,
		Source:   "[D] " + docCreatePurchasesCases + " (1.1 Single Item Cart)",
		Expected: "201 with a purchaseId",
		build:    send(MethodOrdering.CallPath(), func(in CaseInput) any { return orderingRequest(in, 1) }),
		judge:    judgePurchase,
	},
	{
		ID: "ordering.retry_is_idempotent", Title: "A retry of the same shopping trip makes no second purchase", Required: true, Method: MethodOrdering, DependsOn: "ordering.purchase",
		Source:   "[D] " + docCreatePurchases + " (idempotent on idempotentShoppingTripId) and " + docCreatePurchasesCases + " (2. Idempotency); [I] the same purchaseId",
		Expected: "201 with the same purchaseId as the first call",
		build:    buildRetry,
		judge:    judgeRetry,
	},
	{
		ID: "ordering.empty_cart", Title: "An empty cart is still a purchase", Required: true, Method: MethodOrdering,
		Source:   "[D] " + docCreatePurchasesCases + " (1.7 Empty Cart)",
		Expected: "201 with a purchaseId",
		build:    send(MethodOrdering.CallPath(), func(in CaseInput) any { return orderingRequest(in, 0) }),
		judge:    judgePurchase,
	},
	{
		ID: "ordering.unknown_fields_ignored", Title: "Unknown fields in the request are ignored", Required: true, Method: MethodOrdering,
		Source:   "[D] " + docCreatePurchases + " (\"new attributes might be added\")",
		Expected: expectIgnored + " (201 with a purchaseId)",
		build:    sendEdited(MethodOrdering.CallPath(), func(in CaseInput) any { return orderingRequest(in, 1) }, addUnknownToItem),
		judge:    judgePurchase,
	},
	refusal("ordering.missing_field_refused", "A request without storeId is refused", "3.4 Missing storeId", drop("storeId")),
	refusal("ordering.bad_request_id_refused", "A requestId that is not a UUID is refused", "3.2 Invalid requestId Format", set("requestId", conformanceTag+"-not-a-uuid")),
	refusal("ordering.end_before_start_refused", "A trip that ends before it starts is refused", "3.10 endTime Before startTime", endBeforeStart),
	refusal("ordering.duplicate_line_item_refused", "Two cart items with the same lineItemId are refused", "3.34 Duplicate lineItemId Values", duplicateLineItem),
	{
		ID: "ordering.empty_body_refused", Title: "An empty request is refused", Required: true, Method: MethodOrdering,
		Source:   "[D] " + docCreatePurchasesCases + " (3.35 Empty Request; [I] sent as the empty JSON object {})",
		Expected: expectRefused,
		build: func(CaseInput, *Exchange) (CaseRequest, error) {
			return CaseRequest{Path: MethodOrdering.CallPath(), Body: []byte("{}")}, nil
		},
		judge: judgeRefused,
	},
	// FRAUD_AND_ABUSE
	{
		ID: "fraud_and_abuse.authorization", Title: "A shopper authorization is decided", Required: true, Method: MethodFraudAndAbuse,
		Source:   "[D] " + docCreditCardTestPlan + " (7a.1 Shopper Authorized); [I] the decision is the boolean shopperAuthorized",
		Expected: "200 with a JSON object whose shopperAuthorized is true or false",
		build:    send(MethodFraudAndAbuse.CallPath(), func(in CaseInput) any { return fraudRequest(in) }),
		judge:    judgeAuthorization,
	},
	{
		ID: "fraud_and_abuse.unknown_fields_ignored", Title: "Unknown fields in the request are ignored", Required: true, Method: MethodFraudAndAbuse,
		Source:   "[D] " + docFraudAndAbuse + " (\"new attributes might be added\")",
		Expected: expectIgnored + " (200 with shopperAuthorized)",
		build:    sendEdited(MethodFraudAndAbuse.CallPath(), func(in CaseInput) any { return fraudRequest(in) }, addUnknown("shopperIdentity")),
		judge:    judgeAuthorization,
	},
	{
		ID: "fraud_and_abuse.missing_field_refused", Title: "A request without storeId is refused", Required: true, Method: MethodFraudAndAbuse,
		Source:   "[D] " + docCreditCardTestPlan + " (7a.12 Missing Required Fields (400 Error))",
		Expected: expectRefused,
		build:    sendEdited(MethodFraudAndAbuse.CallPath(), func(in CaseInput) any { return fraudRequest(in) }, drop("storeId")),
		judge:    judgeRefused,
	},
}

// refusal is an Ordering case that sends a purchase with one documented
// defect and expects 400.
func refusal(id, title, section string, defect func(map[string]any)) CaseSpec {
	return CaseSpec{
		ID: id, Title: title, Required: true, Method: MethodOrdering,
		Source:   "[D] " + docCreatePurchasesCases + " (" + section + ")",
		Expected: expectRefused,
		build:    sendEdited(MethodOrdering.CallPath(), func(in CaseInput) any { return orderingRequest(in, 1) }, defect),
		judge:    judgeRefused,
	}
}

func send(path string, request func(CaseInput) any) func(CaseInput, *Exchange) (CaseRequest, error) {
	return func(in CaseInput, _ *Exchange) (CaseRequest, error) {
		return CaseRequest{Path: path, Body: encode(request(in))}, nil
	}
}

// sendEdited sends the documented request changed by edit, which works on
// the request as generic JSON so that a case can drop or add any field.
func sendEdited(path string, request func(CaseInput) any, edit func(map[string]any)) func(CaseInput, *Exchange) (CaseRequest, error) {
	return func(in CaseInput, _ *Exchange) (CaseRequest, error) {
		var m map[string]any
		if err := json.Unmarshal(encode(request(in)), &m); err != nil {
			panic(err) // the documented shapes always encode to an object
		}
		edit(m)
		return CaseRequest{Path: path, Body: encode(m)}, nil
	}
}

// encode cannot fail on the documented shapes: no channels, funcs or NaN.
func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func drop(field string) func(map[string]any) {
	return func(m map[string]any) { delete(m, field) }
}

func set(field string, value any) func(map[string]any) {
	return func(m map[string]any) { m[field] = value }
}

// addUnknown adds the unknown field at the top and inside the named object.
func addUnknown(nested string) func(map[string]any) {
	return func(m map[string]any) {
		m[UnknownField] = unknownValue
		m[nested].(map[string]any)[UnknownField] = unknownValue
	}
}

func addUnknownToItem(m map[string]any) {
	m[UnknownField] = unknownValue
	m["cartItems"].([]any)[0].(map[string]any)[UnknownField] = unknownValue
}

// endBeforeStart swaps the trip's times: it now ends five minutes before it
// starts.
func endBeforeStart(m map[string]any) {
	trip := m["shoppingTrip"].(map[string]any)
	trip["startTime"], trip["endTime"] = trip["endTime"], trip["startTime"]
}

// duplicateLineItem sends the cart's item twice under the same lineItemId.
func duplicateLineItem(m map[string]any) {
	items := m["cartItems"].([]any)
	m["cartItems"] = []any{items[0], items[0]}
}

// buildRetry resends the first purchase byte for byte, as Amazon retries.
func buildRetry(_ CaseInput, dep *Exchange) (CaseRequest, error) {
	if purchaseID(dep) == "" {
		return CaseRequest{}, errors.New("not sent: ordering.purchase gave no purchaseId to compare a retry with")
	}
	return dep.Request, nil
}

// buildScanDetails asks for the details of the scan loyalty.scan resolved.
func buildScanDetails(in CaseInput, dep *Exchange) (CaseRequest, error) {
	var id, typ string
	if dep != nil {
		obj, _ := object(dep.Answer)
		id = text(obj, "scanResult", "id")
		typ = text(obj, "scanResult", "type")
	}
	if id == "" {
		return CaseRequest{}, errors.New("not sent: loyalty.scan answered no scanResult id to ask details of")
	}
	return CaseRequest{Path: ScanDetailsPath, Body: encode(ScanDetailsRequest{StoreID: in.StoreID, ScanResult: ScanResult{ID: id, Type: typ}})}, nil
}

func taggedKey(in CaseInput) string {
	return base64.StdEncoding.EncodeToString([]byte(conformanceTag + "-test:" + in.IDs.EventID))
}

func identityRequest(in CaseInput) IdentityRequest {
	return IdentityRequest{
		RequestID:   in.IDs.RequestID,
		StoreID:     in.StoreID,
		IdentityKey: taggedKey(in),
		KeyChannel:  "OPTICAL",
		AuthEvent:   AuthEvent{ID: in.IDs.EventID, Timestamp: in.IDs.At.UTC(), Location: "ENTRY"},
	}
}

func getShopperRequest(in CaseInput) GetShopperRequest {
	return GetShopperRequest{RequestID: in.IDs.RequestID, ShopperKey: taggedKey(in), ShopperKeyType: "QR_CODE", StoreID: in.StoreID, Timestamp: in.IDs.At.UTC()}
}

func loyaltyRequest(in CaseInput) LoyaltyRequest {
	value := conformanceTag + "-test:" + in.IDs.EventID
	return LoyaltyRequest{
		RequestID: in.IDs.RequestID,
		StoreID:   in.StoreID,
		ScanEvent: ScanEvent{ID: base64.StdEncoding.EncodeToString([]byte(value)), Timestamp: in.IDs.At.UTC(), Location: "ENTRY", Value: value, Channel: "OPTICAL"},
	}
}

// orderingRequest is a trip of n items (0 or 1) of the given SKU, marked as
// a conformance run's in its trip and line item ids.
func orderingRequest(in CaseInput, n int) OrderingRequest {
	items := []CartItem{}
	for i := range n {
		items = append(items, CartItem{
			ID: in.SKU, Type: "SKU", Quantity: Quantity{Value: "1", Unit: "unit"},
			LineItemID: fmt.Sprintf("%s-%s-%d", conformanceTag, in.IDs.EventID, i+1),
		})
	}
	return OrderingRequest{
		RequestID:                in.IDs.RequestID,
		IdempotentShoppingTripID: conformanceTag + "-" + in.IDs.TripID,
		StoreID:                  in.StoreID,
		ShoppingTrip:             OrderingTrip(in.IDs.At, in.IDs.EventID),
		CartItems:                items,
	}
}

func fraudRequest(in CaseInput) FraudAndAbuseRequest {
	return FraudAndAbuseRequest{
		StoreID:            in.StoreID,
		ShopperIdentity:    ShopperIdentity{ID: conformanceTag + "-" + in.IDs.EventID},
		AuthorizedAmount:   Money{Value: "0", CurrencyCode: "USD"},
		ShopperInteraction: FraudAndAbuseInteraction(in.IDs.At, conformanceTag+"-"+in.IDs.TripID, in.IDs.RequestID),
	}
}
