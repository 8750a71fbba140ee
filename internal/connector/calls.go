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
func answerIdentity(_ *Connector, body []byte) (int, any) {
	var req jwo.IdentityRequest
	if status, msg := read(body, &req); status != 0 {
		return status, msg
	}
	if msg := missing(map[string]string{"requestId": req.RequestID, "storeId": req.StoreID, "identityKey": req.IdentityKey}); msg != nil {
		return http.StatusBadRequest, msg
	}
	if len(req.IdentityKey) > maxIdentityKey || !isBase64(req.IdentityKey) {
		return http.StatusBadRequest, message{Message: fmt.Sprintf("identityKey must be Base64 of at most %d characters", maxIdentityKey)}
	}
	return http.StatusOK, jwo.IdentityResponse{
		VisitorDetails: jwo.VisitorDetails{ID: "shopper-" + digest(req.IdentityKey), Type: "SHOPPER"},
	}
}

// answerLoyalty accepts every scan as a loyalty member, again with an id
// derived from what was scanned.
func answerLoyalty(_ *Connector, body []byte) (int, any) {
	var req jwo.LoyaltyRequest
	if status, msg := read(body, &req); status != 0 {
		return status, msg
	}
	if msg := missing(map[string]string{"requestId": req.RequestID, "storeId": req.StoreID, "scanEvent.id": req.ScanEvent.ID}); msg != nil {
		return http.StatusBadRequest, msg
	}
	return http.StatusOK, jwo.LoyaltyResponse{
		Resolution: "ACCEPTED",
		ScanResult: jwo.ScanResult{ID: "loyalty-" + digest(req.ScanEvent.ID), Type: "LOYALTY"},
	}
}

// answerOrdering creates a purchase, or returns the one already made for the
// same shopping trip: Amazon retries, and a retry must not charge twice. An
// empty cart is still a purchase (a shopper who took nothing).
func answerOrdering(c *Connector, body []byte) (int, any) {
	var req jwo.OrderingRequest
	if status, msg := read(body, &req); status != 0 {
		return status, msg
	}
	if msg := missing(map[string]string{"idempotentShoppingTripId": req.IdempotentShoppingTripID, "storeId": req.StoreID}); msg != nil {
		return http.StatusBadRequest, msg
	}
	for i, item := range req.CartItems {
		if item.ID == "" {
			return http.StatusBadRequest, message{Message: fmt.Sprintf("cartItems[%d].id is required", i)}
		}
		if item.Type != "SKU" && item.Type != "SCANCODE" {
			return http.StatusBadRequest, message{Message: fmt.Sprintf("cartItems[%d].type %q must be \"SKU\" or \"SCANCODE\"", i, item.Type)}
		}
	}
	return http.StatusCreated, jwo.OrderingResponse{PurchaseID: c.trips.purchase(req.IdempotentShoppingTripID)}
}

// answerFraudAndAbuse follows Amazon's recommendation, as a retailer with the
// AMAZON_RECOMMENDATION strategy and no extra rules of its own would.
func answerFraudAndAbuse(_ *Connector, body []byte) (int, any) {
	var req jwo.FraudAndAbuseRequest
	if status, msg := read(body, &req); status != 0 {
		return status, msg
	}
	if msg := missing(map[string]string{"requestId": req.RequestID, "storeId": req.StoreID, "shopperIdentity.id": req.ShopperIdentity.ID}); msg != nil {
		return http.StatusBadRequest, msg
	}
	risks := req.Recommendation.ShopperRisks
	if risks == nil {
		risks = []string{}
	}
	return http.StatusOK, jwo.FraudAndAbuseResponse{
		ShopperAuthorized:       req.Recommendation.ShopperAuthorized,
		AuthorizationConditions: []string{},
		ShopperRisks:            risks,
	}
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
