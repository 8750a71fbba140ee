// Package jwo holds the domain of Just Walk Out connector configurations: the
// enums of the Portal API, the rules that derive what a store needs, and the
// validation of endpoints, store ids, SKUs and barcodes. It does no I/O, so the
// portal, the client and the provider can all call the same rule.
package jwo

import (
	"fmt"
	"slices"
	"strings"
)

// Method is a connector method: one kind of call Amazon makes to the retailer.
type Method string

const (
	MethodIdentity      Method = "IDENTITY"
	MethodLoyalty       Method = "LOYALTY"
	MethodOrdering      Method = "ORDERING"
	MethodFraudAndAbuse Method = "FRAUD_AND_ABUSE"
)

// Methods lists every method in the order the portal shows them.
var Methods = []Method{MethodIdentity, MethodLoyalty, MethodOrdering, MethodFraudAndAbuse}

// ParseMethod accepts a method in any ASCII letter case, because path
// segments are case-insensitive while the canonical form is upper case.
func ParseMethod(s string) (Method, error) {
	if m, ok := ParseEnum(s, Methods); ok {
		return m, nil
	}
	return "", fmt.Errorf("unknown method %q: use one of %s", s, joinQuoted(Methods))
}

// ParseEnum is the one case-insensitive reading of an enum value (paths,
// query filters, bodies, flags): s names the value of values it equals when
// ASCII letters are folded, and only those. Unicode folding is refused on
// purpose: strings.ToUpper reads "ıdentıty" (U+0131) as IDENTITY and
// strings.EqualFold reads "fraud_and_abuſe" (U+017F) as FRAUD_AND_ABUSE, so
// a proxy rule or a log search on the ASCII spelling would miss a lookalike.
func ParseEnum[T ~string](s string, values []T) (T, bool) {
	for _, v := range values {
		if equalFoldASCII(s, string(v)) {
			return v, true
		}
	}
	return "", false
}

// equalFoldASCII compares two strings with the ASCII letters A-Z and a-z
// folded; every other byte, including each byte of a non-ASCII character,
// must be equal.
func equalFoldASCII(s, t string) bool {
	if len(s) != len(t) {
		return false
	}
	for i := range len(s) {
		if lowerASCII(s[i]) != lowerASCII(t[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

func (m Method) Valid() bool { return slices.Contains(Methods, m) }

// TakesSKU is true for the methods whose connectivity test sends a SKU from
// the store's catalog: only ORDERING, which places a test purchase.
func (m Method) TakesSKU() bool { return m == MethodOrdering }

// CheckTestSKU says what is wrong with giving (or not giving) a SKU to a
// connectivity test of m: a test that places an order needs one item of the
// catalog, the others send no cart.
func CheckTestSKU(m Method, hasSKU bool) error {
	switch {
	case m.TakesSKU() && !hasSKU:
		return fmt.Errorf("the %s test orders one item: set sku to the SKU of an item in the store's catalog", m)
	case !m.TakesSKU() && hasSKU:
		return fmt.Errorf("only the %s test uses a SKU; this %s test sends no cart: leave sku out", MethodOrdering, m)
	}
	return nil
}

// PathSegment is the canonical (lower-case) form of the method in API paths.
func (m Method) PathSegment() string { return strings.ToLower(string(m)) }

// CallPath is the path Amazon appends to the saved endpoint URL for this method.
func (m Method) CallPath() string {
	switch m {
	case MethodIdentity:
		return "/v1/identity/identity-keys"
	case MethodLoyalty:
		return "/v1/identity/scan"
	case MethodOrdering:
		return "/v1/order/purchases"
	case MethodFraudAndAbuse:
		return "/v1/fraudandabuse/shopperauthorization"
	}
	return ""
}

// SuccessStatus is the HTTP status a connector answers a well-formed call with.
func (m Method) SuccessStatus() int {
	if m == MethodOrdering {
		return 201
	}
	return 200
}

// EndpointType says how Amazon reaches the API Gateway behind a connector.
type EndpointType string

const (
	EndpointPublic  EndpointType = "PUBLIC"
	EndpointPrivate EndpointType = "PRIVATE"
)

var EndpointTypes = []EndpointType{EndpointPublic, EndpointPrivate}

func (t EndpointType) Valid() bool { return slices.Contains(EndpointTypes, t) }

// EndpointTypeForAPIGateway maps an API Gateway endpoint configuration type
// (EDGE, REGIONAL, PRIVATE) to the connector's endpoint type.
func EndpointTypeForAPIGateway(apiGatewayType string) (EndpointType, error) {
	t, _ := ParseEnum(strings.TrimSpace(apiGatewayType), []string{"EDGE", "REGIONAL", "PRIVATE"})
	switch t {
	case "EDGE", "REGIONAL":
		return EndpointPublic, nil
	case "PRIVATE":
		return EndpointPrivate, nil
	}
	return "", fmt.Errorf("%q is not an API Gateway endpoint type: use \"EDGE\", \"REGIONAL\" or \"PRIVATE\"", apiGatewayType)
}

// StoreType is the kind of store.
type StoreType string

const (
	StoreTypeJWO      StoreType = "JWO"
	StoreTypeDashCart StoreType = "DASH_CART"
)

var StoreTypes = []StoreType{StoreTypeJWO, StoreTypeDashCart}

func (t StoreType) Valid() bool { return slices.Contains(StoreTypes, t) }

// EntryMethod is how a shopper enters a store.
type EntryMethod string

const (
	EntryCreditCard EntryMethod = "CREDIT_CARD"
	EntryPalm       EntryMethod = "PALM"
	EntryAppQR      EntryMethod = "APP_QR"
	EntryBadge      EntryMethod = "BADGE"
)

var EntryMethods = []EntryMethod{EntryCreditCard, EntryPalm, EntryAppQR, EntryBadge}

func (e EntryMethod) Valid() bool { return slices.Contains(EntryMethods, e) }

// RetailerManaged entry methods need the retailer's Identity connector.
func (e EntryMethod) RetailerManaged() bool { return e == EntryAppQR || e == EntryBadge }

// FraudStrategy is the store's Fraud and Abuse strategy.
type FraudStrategy string

const (
	FraudAmazonManaged        FraudStrategy = "AMAZON_MANAGED"
	FraudAmazonRecommendation FraudStrategy = "AMAZON_RECOMMENDATION"
	FraudCustomerManaged      FraudStrategy = "CUSTOMER_MANAGED"
	FraudNone                 FraudStrategy = "NONE"
)

var FraudStrategies = []FraudStrategy{FraudAmazonManaged, FraudAmazonRecommendation, FraudCustomerManaged, FraudNone}

func (f FraudStrategy) Valid() bool { return slices.Contains(FraudStrategies, f) }

// NeedsConnector is true when the retailer decides (or is asked to decide) on
// shopper risk; NONE is treated like AMAZON_MANAGED.
func (f FraudStrategy) NeedsConnector() bool {
	return f == FraudAmazonRecommendation || f == FraudCustomerManaged
}

// CompletionStatus is derived per store, never stored.
type CompletionStatus string

const (
	CompletionIncomplete  CompletionStatus = "INCOMPLETE"
	CompletionComplete    CompletionStatus = "COMPLETE"
	CompletionNotRequired CompletionStatus = "NOT_REQUIRED"
)

var CompletionStatuses = []CompletionStatus{CompletionIncomplete, CompletionComplete, CompletionNotRequired}

func (c CompletionStatus) Valid() bool { return slices.Contains(CompletionStatuses, c) }

// ConnectivityStatus is a connector's status as its latest finished test left it.
type ConnectivityStatus string

const (
	ConnectivityUntested     ConnectivityStatus = "UNTESTED"
	ConnectivitySuccessful   ConnectivityStatus = "SUCCESSFUL"
	ConnectivityUnsuccessful ConnectivityStatus = "UNSUCCESSFUL"
)

var ConnectivityStatuses = []ConnectivityStatus{ConnectivityUntested, ConnectivitySuccessful, ConnectivityUnsuccessful}

func (c ConnectivityStatus) Valid() bool { return slices.Contains(ConnectivityStatuses, c) }

// ChangeSource is the front end through which a connector's endpoint was
// last changed: Terraform (the provider's User-Agent), the web console, or
// any other client of the API.
type ChangeSource string

const (
	ChangedViaTerraform ChangeSource = "TERRAFORM"
	ChangedViaConsole   ChangeSource = "CONSOLE"
	ChangedViaAPI       ChangeSource = "API"
)

var ChangeSources = []ChangeSource{ChangedViaTerraform, ChangedViaConsole, ChangedViaAPI}

func (c ChangeSource) Valid() bool { return slices.Contains(ChangeSources, c) }

// TestStatus is the status of one connectivity test run.
type TestStatus string

const (
	TestRunning      TestStatus = "RUNNING"
	TestSuccessful   TestStatus = "SUCCESSFUL"
	TestUnsuccessful TestStatus = "UNSUCCESSFUL"
)

var TestStatuses = []TestStatus{TestRunning, TestSuccessful, TestUnsuccessful}

func (s TestStatus) Valid() bool { return slices.Contains(TestStatuses, s) }

// Finished is true once a run has left RUNNING.
func (s TestStatus) Finished() bool { return s == TestSuccessful || s == TestUnsuccessful }

// FailureReason is the kind of failure of an UNSUCCESSFUL run.
type FailureReason string

const (
	ReasonNone        FailureReason = ""
	ReasonDNS         FailureReason = "dns"
	ReasonConnect     FailureReason = "connect"
	ReasonTLS         FailureReason = "tls"
	ReasonTimeout     FailureReason = "timeout"
	ReasonHTTPStatus  FailureReason = "http_status"
	ReasonInvalidBody FailureReason = "invalid_body"
	ReasonInterrupted FailureReason = "interrupted"
	// ReasonConformance: a CONFORMANCE run reached the connector but a
	// required case did not pass.
	ReasonConformance FailureReason = "conformance"
)

// FailureReasons lists the reasons an UNSUCCESSFUL run can have; a
// successful or running run has ReasonNone.
var FailureReasons = []FailureReason{
	ReasonDNS, ReasonConnect, ReasonTLS, ReasonTimeout, ReasonHTTPStatus, ReasonInvalidBody, ReasonInterrupted,
	ReasonConformance,
}

// Unreachable is true for the reasons that say no answer came at all: a
// suite that meets one on its first case stops there.
func (r FailureReason) Unreachable() bool {
	return r == ReasonDNS || r == ReasonConnect || r == ReasonTLS || r == ReasonTimeout
}

// Suite is what a test run checks: CONNECTIVITY sends one call and asks only
// for a JSON answer; CONFORMANCE runs every documented case of the method.
type Suite string

const (
	SuiteConnectivity Suite = "CONNECTIVITY"
	SuiteConformance  Suite = "CONFORMANCE"
)

var Suites = []Suite{SuiteConnectivity, SuiteConformance}

func (s Suite) Valid() bool { return slices.Contains(Suites, s) }

// ParseSuite reads the suite of POST .../tests: empty means CONNECTIVITY,
// the default; any other value must be one of Suites, spelled in upper case
// like every enum of the API.
func ParseSuite(s string) (Suite, error) {
	if s == "" {
		return SuiteConnectivity, nil
	}
	if Suite(s).Valid() {
		return Suite(s), nil
	}
	return "", fmt.Errorf("unknown suite %q: use one of %s", s, joinQuoted(Suites))
}

// CaseStatus is the outcome of one case of a CONFORMANCE run.
type CaseStatus string

const (
	CasePassed  CaseStatus = "PASSED"
	CaseFailed  CaseStatus = "FAILED"
	CaseSkipped CaseStatus = "SKIPPED"
)

var CaseStatuses = []CaseStatus{CasePassed, CaseFailed, CaseSkipped}

func (s CaseStatus) Valid() bool { return slices.Contains(CaseStatuses, s) }

// Valid accepts ReasonNone too: it is what every run that did not fail has.
func (r FailureReason) Valid() bool { return r == ReasonNone || slices.Contains(FailureReasons, r) }

// Role is what an API token may do.
type Role string

const (
	RoleViewer   Role = "viewer"
	RoleOperator Role = "operator"
	RoleAdmin    Role = "admin"
)

var Roles = []Role{RoleViewer, RoleOperator, RoleAdmin}

func (r Role) Valid() bool { return slices.Contains(Roles, r) }

func ParseRole(s string) (Role, error) {
	if r, ok := ParseEnum(s, Roles); ok {
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q: use one of %s", s, joinQuoted(Roles))
}

// CanWriteConnectors: the "Connector Configuration" permission, which also
// gates running tests.
func (r Role) CanWriteConnectors() bool { return r == RoleOperator || r == RoleAdmin }

// CanAdminister covers stores, catalog and tokens.
func (r Role) CanAdminister() bool { return r == RoleAdmin }

func joinQuoted[T ~string](vs []T) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = fmt.Sprintf("%q", string(v))
	}
	return strings.Join(q, ", ")
}

// Strings returns the values of an enum list as plain strings, for validators
// and documentation.
func Strings[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
