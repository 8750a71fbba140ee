package jwo

import (
	"encoding/json"
	"slices"
	"time"
)

// StoreProfile is what an admin says about a store; everything else about it
// is derived.
type StoreProfile struct {
	ID                    string        `json:"id"`
	Name                  string        `json:"name"`
	StoreType             StoreType     `json:"store_type"`
	Region                string        `json:"region"`
	EntryMethods          []EntryMethod `json:"entry_methods"`
	FraudAndAbuseStrategy FraudStrategy `json:"fraud_and_abuse_strategy"`
	OrderDelegation       bool          `json:"order_delegation"`
	LoyaltyProgram        bool          `json:"loyalty_program"`
}

// Store is a store as the API shows it: its profile and the derived fields.
type Store struct {
	StoreProfile
	RequiredMethods  []Method         `json:"required_methods"`
	CompletionStatus CompletionStatus `json:"completion_status"`
	MissingMethods   []Method         `json:"missing_methods"`
}

// StorePage is one page of GET /v1/stores.
type StorePage struct {
	Stores        []Store `json:"stores"`
	NextPageToken string  `json:"next_page_token"`
}

// StorePatch is the body of PATCH /v1/stores/{store_id}: only the fields given
// change.
type StorePatch struct {
	Name                  *string        `json:"name,omitempty"`
	Region                *string        `json:"region,omitempty"`
	StoreType             *StoreType     `json:"store_type,omitempty"`
	EntryMethods          *[]EntryMethod `json:"entry_methods,omitempty"`
	FraudAndAbuseStrategy *FraudStrategy `json:"fraud_and_abuse_strategy,omitempty"`
	OrderDelegation       *bool          `json:"order_delegation,omitempty"`
	LoyaltyProgram        *bool          `json:"loyalty_program,omitempty"`
}

// Completion is the answer of GET /v1/stores/{store_id}/completion.
type Completion struct {
	StoreID           string           `json:"store_id"`
	CompletionStatus  CompletionStatus `json:"completion_status"`
	RequiredMethods   []Method         `json:"required_methods"`
	ConfiguredMethods []Method         `json:"configured_methods"`
	MissingMethods    []Method         `json:"missing_methods"`
}

// ConnectorInput is the body of PUT /v1/stores/{store_id}/connectors/{method}.
type ConnectorInput struct {
	EndpointURL  string       `json:"endpoint_url"`
	EndpointType EndpointType `json:"endpoint_type"`
}

// Connector is one saved connector configuration.
type Connector struct {
	StoreID            string             `json:"store_id"`
	Method             Method             `json:"method"`
	EndpointURL        string             `json:"endpoint_url"`
	EndpointType       EndpointType       `json:"endpoint_type"`
	ConnectivityStatus ConnectivityStatus `json:"connectivity_status"`
	LastTestID         string             `json:"last_test_id"`
	Version            int64              `json:"version"`
	CreatedAt          time.Time          `json:"created_at"`
	UpdatedAt          time.Time          `json:"updated_at"`
	UpdatedBy          string             `json:"updated_by"`
	// LastChangedVia is the front end of the last change of the endpoint
	// URL or type: the question "was this clicked in, or is it in code?".
	LastChangedVia ChangeSource `json:"last_changed_via"`
}

// ConnectorList is the answer of GET /v1/stores/{store_id}/connectors.
type ConnectorList struct {
	Connectors []Connector `json:"connectors"`
}

// ConnectorPage is one page of GET /v1/connectors: connectors of every store
// of the merchant, ordered by store id, then method.
type ConnectorPage struct {
	Connectors    []Connector `json:"connectors"`
	NextPageToken string      `json:"next_page_token"`
}

// MaxFilterStoreIDs is how many store ids one store_id filter of
// GET /v1/connectors may list: a caller with more asks in several calls.
const MaxFilterStoreIDs = 100

// TestInput is the body of POST .../tests.
type TestInput struct {
	SKU string `json:"sku,omitempty"`
	// Suite is CONNECTIVITY (the default when empty) or CONFORMANCE.
	Suite string `json:"suite,omitempty"`
}

// ConnectivityTest is one run of a connectivity test.
type ConnectivityTest struct {
	ID              string        `json:"id"`
	StoreID         string        `json:"store_id"`
	Method          Method        `json:"method"`
	SKU             string        `json:"sku"`
	Suite           Suite         `json:"suite"`
	EndpointURL     string        `json:"endpoint_url"`
	EndpointType    EndpointType  `json:"endpoint_type"`
	Status          TestStatus    `json:"status"`
	Reason          FailureReason `json:"reason"`
	Message         string        `json:"message"`
	HTTPStatus      int           `json:"http_status"`
	LatencyMS       int64         `json:"latency_ms"`
	ResponseExcerpt string        `json:"response_excerpt"`
	// Cases are a CONFORMANCE run's decided cases in the suite's order;
	// empty for CONNECTIVITY and while the run is RUNNING.
	Cases       []Case     `json:"cases"`
	StartedAt   time.Time  `json:"started_at"`
	CompletedAt *time.Time `json:"completed_at"`
	TriggeredBy string     `json:"triggered_by"`
}

// TestList is the answer of GET .../tests, newest first.
type TestList struct {
	Tests []ConnectivityTest `json:"tests"`
}

// BarcodeType is the symbology of a catalog item's barcode.
type BarcodeType string

const (
	BarcodeUPC    BarcodeType = "UPC"
	BarcodeEAN8   BarcodeType = "EAN8"
	BarcodeEAN13  BarcodeType = "EAN13"
	BarcodeISBN10 BarcodeType = "ISBN10"
	BarcodeGTIN14 BarcodeType = "GTIN14"
	BarcodePLU    BarcodeType = "PLU"
)

var BarcodeTypes = []BarcodeType{BarcodeUPC, BarcodeEAN8, BarcodeEAN13, BarcodeISBN10, BarcodeGTIN14, BarcodePLU}

// CatalogItemInput is the body of PUT /v1/stores/{store_id}/catalog/items/{sku}.
type CatalogItemInput struct {
	Barcode     string      `json:"barcode"`
	BarcodeType BarcodeType `json:"barcode_type"`
	Name        string      `json:"name"`
}

// CatalogItem is one item of a store's catalog; the SKU is its key.
type CatalogItem struct {
	SKU         string      `json:"sku"`
	Barcode     string      `json:"barcode"`
	BarcodeType BarcodeType `json:"barcode_type"`
	Name        string      `json:"name"`
}

// CatalogPage is one page of GET /v1/stores/{store_id}/catalog/items.
type CatalogPage struct {
	Items         []CatalogItem `json:"items"`
	NextPageToken string        `json:"next_page_token"`
}

// AuditEvent records one change: who, when, what, before and after.
type AuditEvent struct {
	ID      int64           `json:"id"`
	At      time.Time       `json:"at"`
	Actor   string          `json:"actor"`
	Action  AuditAction     `json:"action"`
	StoreID string          `json:"store_id"`
	Method  Method          `json:"method,omitempty"`
	Before  json.RawMessage `json:"before"`
	After   json.RawMessage `json:"after"`
}

// AuditPage is one page of GET /v1/audit-events.
type AuditPage struct {
	Events        []AuditEvent `json:"events"`
	NextPageToken string       `json:"next_page_token"`
}

// AuditAction is what an audit event records that someone did.
type AuditAction string

const (
	ActionStoreCreate     AuditAction = "store.create"
	ActionStoreUpdate     AuditAction = "store.update"
	ActionConnectorCreate AuditAction = "connector.create"
	ActionConnectorUpdate AuditAction = "connector.update"
	ActionConnectorDelete AuditAction = "connector.delete"
	ActionCatalogPut      AuditAction = "catalog.put"
	ActionTestStart       AuditAction = "test.start"
	// The token lifecycle; these events have no store_id.
	ActionTokenCreate AuditAction = "token.create"
	ActionTokenRevoke AuditAction = "token.revoke"
	// The trust policies of workload identity; no store_id either.
	ActionTrustPolicyCreate AuditAction = "trust_policy.create"
	ActionTrustPolicyDelete AuditAction = "trust_policy.delete"
	// An OpenID Connect token exchanged for a short-lived token; the actor
	// is trust:NAME (SUBJECT), after holds the token and the JWT's jti.
	ActionTokenExchange AuditAction = "token.exchange"
)

var AuditActions = []AuditAction{
	ActionStoreCreate, ActionStoreUpdate, ActionConnectorCreate, ActionConnectorUpdate,
	ActionConnectorDelete, ActionCatalogPut, ActionTestStart,
	ActionTokenCreate, ActionTokenRevoke, ActionTrustPolicyCreate, ActionTrustPolicyDelete,
	ActionTokenExchange,
}

func (a AuditAction) Valid() bool { return slices.Contains(AuditActions, a) }

// Problem is an RFC 9457 problem document, the body of every error answer.
type Problem struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail"`
	Instance  string       `json:"instance,omitempty"`
	RequestID string       `json:"request_id,omitempty"`
	Errors    []FieldError `json:"errors,omitempty"`
}

// FieldError names the field that is wrong and says how to fix it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }
