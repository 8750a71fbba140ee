package connector

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

var errTrailing = errors.New("unexpected data after the JSON object")

// maxIdentityKey is the documented limit of identityKey.
const maxIdentityKey = 1000

// answer decodes one call's body and returns the status and body to send.
type answer func(c *Connector, body []byte) (int, any)

var answers = map[jwo.Method]answer{
	jwo.MethodIdentity:      answerIdentity,
	jwo.MethodLoyalty:       answerLoyalty,
	jwo.MethodOrdering:      answerOrdering,
	jwo.MethodFraudAndAbuse: answerFraudAndAbuse,
}

// answerIdentity recognises every well-formed key as a shopper; the visitor
// id is derived from the key so that the same key is the same shopper.
func answerIdentity(c *Connector, body []byte) (int, any) {
	var req jwo.IdentityRequest
	if status, msg := c.read(body, &req, "identity.unknown_fields_ignored"); status != 0 {
		return status, msg
	}
	if req.IdentityKey == "" && c.violate["identity.missing_key_refused"] {
		return http.StatusOK, jwo.IdentityResponse{VisitorDetails: jwo.VisitorDetails{ID: "shopper-without-key", Type: "SHOPPER"}}
	}
	if msg := missing(map[string]string{"requestId": req.RequestID, "storeId": req.StoreID, "identityKey": req.IdentityKey}); msg != nil {
		return http.StatusBadRequest, msg
	}
	if len(req.IdentityKey) > maxIdentityKey || !isBase64(req.IdentityKey) {
		return http.StatusBadRequest, message{Message: fmt.Sprintf("identityKey must be Base64 of at most %d characters", maxIdentityKey)}
	}
	visitor := jwo.VisitorDetails{ID: "shopper-" + digest(req.IdentityKey), Type: "SHOPPER"}
	if c.breaks("identity.answer", body, &req) {
		visitor.Type = "VISITOR"
	}
	return http.StatusOK, jwo.IdentityResponse{VisitorDetails: visitor}
}

// answerGetShopper resolves every well-formed shopper key, like
// answerIdentity; the answer's shape is the identity answer's.
func answerGetShopper(c *Connector, body []byte) (int, any) {
	var req jwo.GetShopperRequest
	if status, msg := read(body, &req); status != 0 {
		return status, msg
	}
	if c.violate["identity.get_shopper"] {
		return http.StatusInternalServerError, message{Message: "GetShopper is broken on purpose (--violate identity.get_shopper)"}
	}
	if msg := missing(map[string]string{"requestId": req.RequestID, "storeId": req.StoreID, "shopperKey": req.ShopperKey}); msg != nil {
		return http.StatusBadRequest, msg
	}
	return http.StatusOK, jwo.IdentityResponse{VisitorDetails: jwo.VisitorDetails{ID: "shopper-" + digest(req.ShopperKey), Type: "SHOPPER"}}
}

// answerLoyalty accepts every scan as a loyalty member, again with an id
// derived from what was scanned.
func answerLoyalty(c *Connector, body []byte) (int, any) {
	var req jwo.LoyaltyRequest
	if status, msg := c.read(body, &req, "loyalty.unknown_fields_ignored"); status != 0 {
		return status, msg
	}
	if msg := missing(map[string]string{"requestId": req.RequestID, "storeId": req.StoreID, "scanEvent.id": req.ScanEvent.ID}); msg != nil {
		return http.StatusBadRequest, msg
	}
	res := jwo.LoyaltyResponse{
		Resolution: "ACCEPTED",
		ScanResult: jwo.ScanResult{ID: "loyalty-" + digest(req.ScanEvent.ID), Type: "LOYALTY"},
	}
	if c.breaks("loyalty.scan", body, &req) {
		res.Resolution = ""
	}
	return http.StatusOK, res
}

// scanDetails is the sample's answer to GetScanDetails.
type scanDetails struct {
	Provider string `json:"provider"`
	ID       string `json:"id"`
}

// answerScanDetails gives the loyalty provider of any scan result it is
// asked about.
func answerScanDetails(c *Connector, body []byte) (int, any) {
	var req jwo.ScanDetailsRequest
	if status, msg := read(body, &req); status != 0 {
		return status, msg
	}
	if c.violate["loyalty.scan_details"] {
		return http.StatusInternalServerError, message{Message: "scan details are broken on purpose (--violate loyalty.scan_details)"}
	}
	if msg := missing(map[string]string{"storeId": req.StoreID, "scanResult.id": req.ScanResult.ID}); msg != nil {
		return http.StatusBadRequest, msg
	}
	return http.StatusOK, scanDetails{Provider: "jwo-portal sample connector", ID: req.ScanResult.ID}
}

// answerOrdering creates a purchase, or returns the one already made for the
// same shopping trip: Amazon retries, and a retry must not charge twice. An
// empty cart is still a purchase (a shopper who took nothing).
func answerOrdering(c *Connector, body []byte) (int, any) {
	var req jwo.OrderingRequest
	if status, msg := c.read(body, &req, "ordering.unknown_fields_ignored"); status != 0 {
		return status, msg
	}
	if c.violate["ordering.empty_body_refused"] && isEmptyOrder(req) {
		return http.StatusCreated, jwo.OrderingResponse{PurchaseID: newPurchaseID()}
	}
	if msg := c.orderingProblem(req); msg != nil {
		return http.StatusBadRequest, msg
	}
	if len(req.CartItems) == 0 && c.violate["ordering.empty_cart"] {
		return http.StatusBadRequest, message{Message: "cartItems must not be empty (--violate ordering.empty_cart)"}
	}
	id, first := c.trips.purchase(req.IdempotentShoppingTripID)
	switch {
	case !first && c.violate["ordering.retry_is_idempotent"]:
		id = newPurchaseID()
	case first && len(req.CartItems) > 0 && c.breaks("ordering.purchase", body, &req):
		return http.StatusOK, jwo.OrderingResponse{PurchaseID: id}
	}
	return http.StatusCreated, jwo.OrderingResponse{PurchaseID: id}
}

// orderingProblem is the 400 answer of a request the documentation calls
// bad, nil for a good one; each check can be switched off by its violation.
func (c *Connector) orderingProblem(req jwo.OrderingRequest) any {
	required := map[string]string{"idempotentShoppingTripId": req.IdempotentShoppingTripID}
	if !c.violate["ordering.missing_field_refused"] {
		required["storeId"] = req.StoreID
	}
	if msg := missing(required); msg != nil {
		return msg
	}
	// requestId is checked when given: older callers of the sample (the
	// connectivity test before it sent one) leave it out.
	if req.RequestID != "" && uuid.Validate(req.RequestID) != nil && !c.violate["ordering.bad_request_id_refused"] {
		return message{Message: fmt.Sprintf("requestId %q is not a UUID", req.RequestID)}
	}
	if trip := req.ShoppingTrip; !trip.StartTime.IsZero() && trip.EndTime.Before(trip.StartTime) && !c.violate["ordering.end_before_start_refused"] {
		return message{Message: "shoppingTrip.endTime is before shoppingTrip.startTime"}
	}
	lines := map[string]bool{}
	for i, item := range req.CartItems {
		if item.ID == "" {
			return message{Message: fmt.Sprintf("cartItems[%d].id is required", i)}
		}
		if item.Type != "SKU" && item.Type != "SCANCODE" {
			return message{Message: fmt.Sprintf("cartItems[%d].type %q must be \"SKU\" or \"SCANCODE\"", i, item.Type)}
		}
		if item.LineItemID != "" && lines[item.LineItemID] && !c.violate["ordering.duplicate_line_item_refused"] {
			return message{Message: fmt.Sprintf("cartItems[%d].lineItemId %q is given twice", i, item.LineItemID)}
		}
		lines[item.LineItemID] = true
	}
	return nil
}

func isEmptyOrder(req jwo.OrderingRequest) bool {
	return req.RequestID == "" && req.IdempotentShoppingTripID == "" && req.StoreID == "" && len(req.CartItems) == 0 &&
		req.ShoppingTrip.StartTime.IsZero() && req.ShoppingTrip.EndTime.IsZero()
}

// answerFraudAndAbuse follows Amazon's recommendation, as a retailer with the
// AMAZON_RECOMMENDATION strategy and no extra rules of its own would.
func answerFraudAndAbuse(c *Connector, body []byte) (int, any) {
	var req jwo.FraudAndAbuseRequest
	if status, msg := c.read(body, &req, "fraud_and_abuse.unknown_fields_ignored"); status != 0 {
		return status, msg
	}
	required := map[string]string{"shopperIdentity.id": req.ShopperIdentity.ID}
	if !c.violate["fraud_and_abuse.missing_field_refused"] {
		required["storeId"] = req.StoreID
	}
	if msg := missing(required); msg != nil {
		return http.StatusBadRequest, msg
	}
	recommendation := req.ShopperInteraction.Recommendation
	risks := recommendation.ShopperRisks
	if risks == nil {
		risks = []string{}
	}
	if c.breaks("fraud_and_abuse.authorization", body, &req) {
		return http.StatusOK, map[string]any{"authorizationConditions": []jwo.AuthorizationCondition{}, "shopperRisks": risks}
	}
	return http.StatusOK, jwo.FraudAndAbuseResponse{
		ShopperAuthorized:       recommendation.ShopperAuthorized,
		AuthorizationConditions: []jwo.AuthorizationCondition{},
		ShopperRisks:            risks,
	}
}

// read decodes the body like read, and when the connector violates the
// method's unknown-fields case, refuses a body with fields it does not know.
func (c *Connector) read(body []byte, v any, unknownCase string) (int, any) {
	if status, msg := read(body, v); status != 0 {
		return status, msg
	}
	if c.violate[unknownCase] && hasUnknownFields(body, v) {
		return http.StatusBadRequest, message{Message: "request has fields this connector does not know (--violate " + unknownCase + ")"}
	}
	return 0, nil
}

// breaks says whether the main case of a method is violated for this
// request: only for a body without unknown fields, so that the method's
// unknown-fields case, which expects the same answer, still passes.
func (c *Connector) breaks(caseID string, body []byte, v any) bool {
	return c.violate[caseID] && !hasUnknownFields(body, v)
}

// read decodes the body; a non-zero status is the error answer to send.
func read(body []byte, v any) (int, any) {
	if err := decode(body, v); err != nil {
		return http.StatusBadRequest, message{Message: "request body is not the documented JSON object: " + err.Error()}
	}
	return 0, nil
}

// readError is the answer when the body could not be read at all.
func readError(err error) (int, any) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge, message{Message: fmt.Sprintf("request body is larger than %d bytes", tooBig.Limit)}
	}
	return http.StatusBadRequest, message{Message: "request body could not be read"}
}

// missing names every required field that is empty, in a stable order.
func missing(fields map[string]string) any {
	var names []string
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		if strings.TrimSpace(fields[name]) == "" {
			names = append(names, name)
		}
	}
	if names == nil {
		return nil
	}
	return message{Message: "missing required field(s): " + strings.Join(names, ", ")}
}

// isBase64 accepts the standard and URL-safe alphabets, padded or not: the
// documentation says only "Base64".
func isBase64(s string) bool {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if _, err := enc.DecodeString(s); err == nil {
			return true
		}
	}
	return false
}

// digest is a short stable id derived from what the caller sent.
func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}
