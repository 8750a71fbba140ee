package jwo

import (
	"encoding/base64"
	"encoding/json"
	"time"
)

// The request and response shapes of the calls Amazon makes to a retailer's
// connector. Receivers must ignore unknown fields, so these carry only what
// the documentation names.

type AuthEvent struct {
	ID        string    `json:"id"`
	Timestamp time.Time `json:"timestamp"`
	Location  string    `json:"location"`
}

// IdentityRequest is POSTed to /v1/identity/identity-keys.
type IdentityRequest struct {
	RequestID   string    `json:"requestId"`
	StoreID     string    `json:"storeId"`
	IdentityKey string    `json:"identityKey"`
	KeyChannel  string    `json:"keyChannel"`
	AuthEvent   AuthEvent `json:"authEvent"`
}

type VisitorDetails struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

type IdentityResponse struct {
	VisitorDetails VisitorDetails `json:"visitorDetails"`
}

type ScanEvent struct {
	ID        string    `json:"id"`
	Timestamp time.Time `json:"timestamp"`
	Location  string    `json:"location"`
	Value     string    `json:"value"`
	Channel   string    `json:"channel"`
}

// LoyaltyRequest is POSTed to /v1/identity/scan.
type LoyaltyRequest struct {
	RequestID string    `json:"requestId"`
	StoreID   string    `json:"storeId"`
	ScanEvent ScanEvent `json:"scanEvent"`
}

type ScanResult struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

type LoyaltyResponse struct {
	Resolution string     `json:"resolution"`
	ScanResult ScanResult `json:"scanResult"`
}

// ScanDetailsRequest is POSTed to /v1/identity/scan/details after a resolved
// scan, with the scanResult the scan answered.
type ScanDetailsRequest struct {
	StoreID    string     `json:"storeId"`
	ScanResult ScanResult `json:"scanResult"`
}

// GetShopperRequest is POSTed to /v1/identity/shopper when an associate
// resolves a shopper from the shopper's key.
type GetShopperRequest struct {
	RequestID      string    `json:"requestId"`
	ShopperKey     string    `json:"shopperKey"`
	ShopperKeyType string    `json:"shopperKeyType"`
	StoreID        string    `json:"storeId"`
	Timestamp      time.Time `json:"timestamp"`
}

type Quantity struct {
	Value string `json:"value"`
	Unit  string `json:"unit"`
}

type CartItem struct {
	ID         string   `json:"id"`
	Type       string   `json:"type"`
	Quantity   Quantity `json:"quantity"`
	LineItemID string   `json:"lineItemId"`
}

// TripAuthEvent is how a shopper was let in: payloadType FINANCIAL for a
// card tapped at the gate, SCAN_CODE for a QR code.
type TripAuthEvent struct {
	ID          string    `json:"id"`
	Timestamp   time.Time `json:"timestamp"`
	Location    string    `json:"location"`
	PayloadType string    `json:"payloadType"`
}

// ShoppingTrip is when a trip began and ended and how the shopper entered.
type ShoppingTrip struct {
	StartTime  time.Time       `json:"startTime"`
	EndTime    time.Time       `json:"endTime"`
	AuthEvents []TripAuthEvent `json:"authEvents"`
}

// OrderingRequest is POSTed to /v1/order/purchases; receivers must answer the
// same purchaseId for the same idempotentShoppingTripId.
type OrderingRequest struct {
	RequestID                string       `json:"requestId"`
	IdempotentShoppingTripID string       `json:"idempotentShoppingTripId"`
	StoreID                  string       `json:"storeId"`
	ShoppingTrip             ShoppingTrip `json:"shoppingTrip"`
	CartItems                []CartItem   `json:"cartItems"`
}

// OrderingTrip is the trip of a test purchase: five minutes up to at, the
// shopper let in by a card at the gate (event id eventID).
func OrderingTrip(at time.Time, eventID string) ShoppingTrip {
	start := at.UTC().Add(-5 * time.Minute)
	return ShoppingTrip{
		StartTime: start, EndTime: at.UTC(),
		AuthEvents: []TripAuthEvent{{ID: eventID, Timestamp: start, Location: "ENTRY", PayloadType: "FINANCIAL"}},
	}
}

type OrderingResponse struct {
	PurchaseID string `json:"purchaseId"`
}

// Money is an amount as the Fraud and Abuse API writes it: a JSON number
// and an ISO 4217 currency code.
type Money struct {
	Value        json.Number `json:"value"`
	CurrencyCode string      `json:"currencyCode"`
}

type ShopperIdentity struct {
	ID string `json:"id"`
}

// AuthorizationCondition is a condition of an authorization: ADJUST the
// pre-authorized amount to Amount.
type AuthorizationCondition struct {
	Type   string `json:"type"`
	Amount Money  `json:"amount"`
}

// Recommendation is Amazon's own decision, which the retailer may follow.
type Recommendation struct {
	ShopperAuthorized       bool                     `json:"shopperAuthorized"`
	AuthorizationConditions []AuthorizationCondition `json:"authorizationConditions"`
	ShopperRisks            []string                 `json:"shopperRisks"`
}

// GateAuthenticationEvent is how the shopper identified at the gate.
type GateAuthenticationEvent struct {
	ID              string    `json:"id"`
	Type            string    `json:"type"`
	InteractionType string    `json:"interactionType"`
	Timestamp       time.Time `json:"timestamp"`
	Location        string    `json:"location"`
}

type ShopperInteraction struct {
	ShoppingTripID          string                  `json:"shoppingTripId"`
	GateAuthenticationEvent GateAuthenticationEvent `json:"gateAuthenticationEvent"`
	Recommendation          Recommendation          `json:"recommendation"`
}

// FraudAndAbuseRequest is POSTed to /v1/fraudandabuse/shopperauthorization.
type FraudAndAbuseRequest struct {
	StoreID            string             `json:"storeId"`
	ShopperIdentity    ShopperIdentity    `json:"shopperIdentity"`
	AuthorizedAmount   Money              `json:"authorizedAmount"`
	ShopperInteraction ShopperInteraction `json:"shopperInteraction"`
}

type FraudAndAbuseResponse struct {
	ShopperAuthorized       bool                     `json:"shopperAuthorized"`
	AuthorizationConditions []AuthorizationCondition `json:"authorizationConditions"`
	ShopperRisks            []string                 `json:"shopperRisks"`
}

// FraudAndAbuseInteraction is the interaction of a test authorization: a card
// tapped at the gate at at, and Amazon's recommendation to let the shopper in.
func FraudAndAbuseInteraction(at time.Time, tripID, eventID string) ShopperInteraction {
	return ShopperInteraction{
		ShoppingTripID:          tripID,
		GateAuthenticationEvent: GateAuthenticationEvent{ID: eventID, Type: "CREDIT_CARD", InteractionType: "TAP", Timestamp: at.UTC(), Location: "ENTRY"},
		Recommendation:          Recommendation{ShopperAuthorized: true, AuthorizationConditions: []AuthorizationCondition{}, ShopperRisks: []string{}},
	}
}

// SyntheticIDs are the fresh identifiers of one test call; the caller makes
// them so that building the payload stays pure.
type SyntheticIDs struct {
	RequestID string
	EventID   string
	TripID    string
	At        time.Time
}

// TestPayload is the documented request of a method with synthetic ids, the
// store's id and, for Ordering, one cart item with the given SKU.
func TestPayload(m Method, storeID, sku string, ids SyntheticIDs) any {
	at := ids.At.UTC()
	switch m {
	case MethodIdentity:
		return IdentityRequest{
			RequestID:   ids.RequestID,
			StoreID:     storeID,
			IdentityKey: base64.StdEncoding.EncodeToString([]byte("jwo-connectivity-test:" + ids.EventID)),
			KeyChannel:  "OPTICAL",
			AuthEvent:   AuthEvent{ID: ids.EventID, Timestamp: at, Location: "ENTRY"},
		}
	case MethodLoyalty:
		value := "jwo-connectivity-test:" + ids.EventID
		return LoyaltyRequest{
			RequestID: ids.RequestID,
			StoreID:   storeID,
			ScanEvent: ScanEvent{ID: base64.StdEncoding.EncodeToString([]byte(value)), Timestamp: at, Location: "ENTRY", Value: value, Channel: "OPTICAL"},
		}
	case MethodOrdering:
		return OrderingRequest{
			RequestID:                ids.RequestID,
			IdempotentShoppingTripID: ids.TripID,
			StoreID:                  storeID,
			ShoppingTrip:             OrderingTrip(at, ids.EventID),
			CartItems:                []CartItem{{ID: sku, Type: "SKU", Quantity: Quantity{Value: "1", Unit: "unit"}, LineItemID: ids.EventID}},
		}
	case MethodFraudAndAbuse:
		return FraudAndAbuseRequest{
			StoreID:            storeID,
			ShopperIdentity:    ShopperIdentity{ID: ids.EventID},
			AuthorizedAmount:   Money{Value: "0", CurrencyCode: "USD"},
			ShopperInteraction: FraudAndAbuseInteraction(at, ids.TripID, ids.RequestID),
		}
	}
	return nil
}
