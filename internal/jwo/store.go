package jwo

import (
	"fmt"
	"regexp"
	"slices"
)

// requiredMethods derives which connector methods a store needs from its
// profile, in the canonical order of Methods. A method that is not required
// is not applicable either: it cannot be configured.
func requiredMethods(p StoreProfile) []Method {
	jwoStore := p.StoreType == StoreTypeJWO
	need := map[Method]bool{
		MethodIdentity:      jwoStore && slices.ContainsFunc(p.EntryMethods, EntryMethod.RetailerManaged),
		MethodLoyalty:       p.LoyaltyProgram,
		MethodOrdering:      p.OrderDelegation,
		MethodFraudAndAbuse: jwoStore && p.FraudAndAbuseStrategy.NeedsConnector(),
	}
	out := []Method{}
	for _, m := range Methods {
		if need[m] {
			out = append(out, m)
		}
	}
	return out
}

// MethodApplies reports whether a connector for m may be configured on the store.
func MethodApplies(p StoreProfile, m Method) bool {
	return slices.Contains(requiredMethods(p), m)
}

// NotApplicableError explains why a method cannot be configured on a store
// and lists what can.
func NotApplicableError(p StoreProfile, m Method) error {
	req := requiredMethods(p)
	if len(req) == 0 {
		return fmt.Errorf("method %s does not apply to store %q: the store needs no connectors (completion status NOT_REQUIRED)", m, p.ID)
	}
	return fmt.Errorf("method %s does not apply to store %q: its applicable methods are %s", m, p.ID, joinQuoted(req))
}

// DeriveCompletion computes a store's completion from its profile and the
// methods that have a saved endpoint URL and type. COMPLETE says every
// required value is set, not that the connectors work.
func DeriveCompletion(p StoreProfile, configured []Method) Completion {
	req := requiredMethods(p)
	c := Completion{
		StoreID:           p.ID,
		RequiredMethods:   req,
		ConfiguredMethods: []Method{},
		MissingMethods:    []Method{},
	}
	for _, m := range Methods {
		if slices.Contains(configured, m) {
			c.ConfiguredMethods = append(c.ConfiguredMethods, m)
		}
	}
	for _, m := range req {
		if !slices.Contains(configured, m) {
			c.MissingMethods = append(c.MissingMethods, m)
		}
	}
	switch {
	case len(req) == 0:
		c.CompletionStatus = CompletionNotRequired
	case len(c.MissingMethods) == 0:
		c.CompletionStatus = CompletionComplete
	default:
		c.CompletionStatus = CompletionIncomplete
	}
	return c
}

// NewStore joins a profile with its derived fields.
func NewStore(p StoreProfile, configured []Method) Store {
	c := DeriveCompletion(p, configured)
	if p.EntryMethods == nil {
		p.EntryMethods = []EntryMethod{}
	}
	return Store{StoreProfile: p, RequiredMethods: c.RequiredMethods, CompletionStatus: c.CompletionStatus, MissingMethods: c.MissingMethods}
}

var storeIDPattern = regexp.MustCompile(`^[0-9A-Za-z_-]{1,255}$`)

// ValidateStoreID checks the documented form: 1 to 255 of [0-9A-Za-z_-].
func ValidateStoreID(id string) error {
	if !storeIDPattern.MatchString(id) {
		return fmt.Errorf("store id %q is invalid: use 1 to 255 letters, digits, '_' or '-'", id)
	}
	return nil
}

// ValidateMerchantID checks a merchant id. It takes the store id form: both
// appear in logs, paths and seed files, so both keep to the same safe alphabet.
func ValidateMerchantID(id string) error {
	if !storeIDPattern.MatchString(id) {
		return fmt.Errorf("merchant id %q is invalid: use 1 to 255 letters, digits, '_' or '-'", id)
	}
	return nil
}

var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d{1,2}$`)

// validateRegion checks the AWS Region form, e.g. us-east-1 or us-gov-west-1.
func validateRegion(r string) error {
	if !regionPattern.MatchString(r) {
		return fmt.Errorf("region %q is not an AWS Region code such as \"us-east-1\"", r)
	}
	return nil
}

// ValidateStoreProfile returns every field error of a store profile.
func ValidateStoreProfile(p StoreProfile) []FieldError {
	var errs []FieldError
	add := func(field, format string, a ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, a...)})
	}
	if err := ValidateStoreID(p.ID); err != nil {
		add("id", "%s", err)
	}
	if n := len([]rune(p.Name)); n < 1 || n > 200 {
		add("name", "must be 1 to 200 characters, got %d", n)
	} else if err := checkDisplayText(p.Name); err != nil {
		add("name", "%q %s", p.Name, err)
	}
	if !p.StoreType.Valid() {
		add("store_type", "%q is not a store type: use one of %s", p.StoreType, joinQuoted(StoreTypes))
	}
	if err := validateRegion(p.Region); err != nil {
		add("region", "%s", err)
	}
	seen := map[EntryMethod]bool{}
	for i, e := range p.EntryMethods {
		field := fmt.Sprintf("entry_methods[%d]", i)
		if !e.Valid() {
			add(field, "%q is not an entry method: use one of %s", e, joinQuoted(EntryMethods))
		} else if seen[e] {
			add(field, "%s is listed twice", e)
		}
		seen[e] = true
	}
	if !p.FraudAndAbuseStrategy.Valid() {
		add("fraud_and_abuse_strategy", "%q is not a strategy: use one of %s", p.FraudAndAbuseStrategy, joinQuoted(FraudStrategies))
	}
	return errs
}

// Apply returns the profile with the patch's fields set.
func (sp StorePatch) Apply(p StoreProfile) StoreProfile {
	if sp.Name != nil {
		p.Name = *sp.Name
	}
	if sp.Region != nil {
		p.Region = *sp.Region
	}
	if sp.StoreType != nil {
		p.StoreType = *sp.StoreType
	}
	if sp.EntryMethods != nil {
		p.EntryMethods = slices.Clone(*sp.EntryMethods)
	}
	if sp.FraudAndAbuseStrategy != nil {
		p.FraudAndAbuseStrategy = *sp.FraudAndAbuseStrategy
	}
	if sp.OrderDelegation != nil {
		p.OrderDelegation = *sp.OrderDelegation
	}
	if sp.LoyaltyProgram != nil {
		p.LoyaltyProgram = *sp.LoyaltyProgram
	}
	return p
}
