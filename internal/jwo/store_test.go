package jwo

import (
	"slices"
	"strings"
	"testing"
)

func TestRequiredMethods(t *testing.T) {
	tests := []struct {
		name    string
		profile StoreProfile
		want    []Method
	}{
		{"amazon managed everything needs nothing",
			StoreProfile{StoreType: StoreTypeJWO, EntryMethods: []EntryMethod{EntryCreditCard, EntryPalm}, FraudAndAbuseStrategy: FraudAmazonManaged},
			[]Method{}},
		{"app QR entry needs identity",
			StoreProfile{StoreType: StoreTypeJWO, EntryMethods: []EntryMethod{EntryAppQR}, FraudAndAbuseStrategy: FraudAmazonManaged},
			[]Method{MethodIdentity}},
		{"badge entry needs identity",
			StoreProfile{StoreType: StoreTypeJWO, EntryMethods: []EntryMethod{EntryBadge, EntryPalm}, FraudAndAbuseStrategy: FraudNone},
			[]Method{MethodIdentity}},
		{"loyalty program needs loyalty",
			StoreProfile{StoreType: StoreTypeJWO, FraudAndAbuseStrategy: FraudAmazonManaged, LoyaltyProgram: true},
			[]Method{MethodLoyalty}},
		{"order delegation needs ordering",
			StoreProfile{StoreType: StoreTypeJWO, FraudAndAbuseStrategy: FraudAmazonManaged, OrderDelegation: true},
			[]Method{MethodOrdering}},
		{"amazon recommendation needs fraud and abuse",
			StoreProfile{StoreType: StoreTypeJWO, FraudAndAbuseStrategy: FraudAmazonRecommendation},
			[]Method{MethodFraudAndAbuse}},
		{"customer managed needs fraud and abuse",
			StoreProfile{StoreType: StoreTypeJWO, FraudAndAbuseStrategy: FraudCustomerManaged},
			[]Method{MethodFraudAndAbuse}},
		{"NONE is treated like AMAZON_MANAGED",
			StoreProfile{StoreType: StoreTypeJWO, FraudAndAbuseStrategy: FraudNone},
			[]Method{}},
		{"all four, in canonical order",
			StoreProfile{StoreType: StoreTypeJWO, EntryMethods: []EntryMethod{EntryAppQR, EntryCreditCard}, FraudAndAbuseStrategy: FraudCustomerManaged, OrderDelegation: true, LoyaltyProgram: true},
			[]Method{MethodIdentity, MethodLoyalty, MethodOrdering, MethodFraudAndAbuse}},
		{"dash cart never needs identity or fraud and abuse",
			StoreProfile{StoreType: StoreTypeDashCart, EntryMethods: []EntryMethod{EntryAppQR}, FraudAndAbuseStrategy: FraudCustomerManaged, OrderDelegation: true, LoyaltyProgram: true},
			[]Method{MethodLoyalty, MethodOrdering}},
		{"dash cart with order delegation needs ordering",
			StoreProfile{StoreType: StoreTypeDashCart, OrderDelegation: true},
			[]Method{MethodOrdering}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := requiredMethods(tt.profile)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("requiredMethods = %v, want %v", got, tt.want)
			}
			for _, m := range Methods {
				if MethodApplies(tt.profile, m) != slices.Contains(tt.want, m) {
					t.Errorf("MethodApplies(%s) disagrees with requiredMethods", m)
				}
			}
		})
	}
}

func TestDeriveCompletion(t *testing.T) {
	all := StoreProfile{ID: "s1", StoreType: StoreTypeJWO, EntryMethods: []EntryMethod{EntryBadge}, FraudAndAbuseStrategy: FraudAmazonRecommendation, OrderDelegation: true, LoyaltyProgram: true}
	none := StoreProfile{ID: "s2", StoreType: StoreTypeJWO, FraudAndAbuseStrategy: FraudAmazonManaged}
	tests := []struct {
		name           string
		profile        StoreProfile
		configured     []Method
		wantStatus     CompletionStatus
		wantMissing    []Method
		wantConfigured []Method
	}{
		{"nothing configured", all, nil, CompletionIncomplete, []Method{MethodIdentity, MethodLoyalty, MethodOrdering, MethodFraudAndAbuse}, []Method{}},
		{"some configured", all, []Method{MethodOrdering, MethodIdentity}, CompletionIncomplete, []Method{MethodLoyalty, MethodFraudAndAbuse}, []Method{MethodIdentity, MethodOrdering}},
		{"all configured", all, []Method{MethodFraudAndAbuse, MethodOrdering, MethodLoyalty, MethodIdentity}, CompletionComplete, []Method{}, Methods},
		{"not required", none, nil, CompletionNotRequired, []Method{}, []Method{}},
		{"not required even with a stray connector", none, []Method{MethodLoyalty}, CompletionNotRequired, []Method{}, []Method{MethodLoyalty}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DeriveCompletion(tt.profile, tt.configured)
			if c.CompletionStatus != tt.wantStatus {
				t.Errorf("status = %s, want %s", c.CompletionStatus, tt.wantStatus)
			}
			if !slices.Equal(c.MissingMethods, tt.wantMissing) {
				t.Errorf("missing = %v, want %v", c.MissingMethods, tt.wantMissing)
			}
			if !slices.Equal(c.ConfiguredMethods, tt.wantConfigured) {
				t.Errorf("configured = %v, want %v", c.ConfiguredMethods, tt.wantConfigured)
			}
			if c.StoreID != tt.profile.ID {
				t.Errorf("store id = %q", c.StoreID)
			}
			s := NewStore(tt.profile, tt.configured)
			if s.CompletionStatus != c.CompletionStatus || !slices.Equal(s.MissingMethods, c.MissingMethods) {
				t.Errorf("NewStore disagrees with DeriveCompletion")
			}
		})
	}
}

func TestNotApplicableErrorListsApplicableMethods(t *testing.T) {
	p := StoreProfile{ID: "cart-1", StoreType: StoreTypeDashCart, OrderDelegation: true}
	msg := NotApplicableError(p, MethodIdentity).Error()
	for _, want := range []string{"IDENTITY", "cart-1", `"ORDERING"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	msg = NotApplicableError(StoreProfile{ID: "x", StoreType: StoreTypeJWO, FraudAndAbuseStrategy: FraudNone}, MethodLoyalty).Error()
	if !strings.Contains(msg, "NOT_REQUIRED") {
		t.Errorf("message for a store that needs nothing should say NOT_REQUIRED: %q", msg)
	}
}

func TestValidateStoreID(t *testing.T) {
	good := []string{"a", "acme-sea-01", "A_B-9", strings.Repeat("x", 255)}
	bad := []string{"", strings.Repeat("x", 256), "has space", "slash/no", "dot.no", "ünïcode", "semi;colon"}
	for _, id := range good {
		if err := ValidateStoreID(id); err != nil {
			t.Errorf("ValidateStoreID(%q) = %v, want nil", id, err)
		}
	}
	for _, id := range bad {
		if err := ValidateStoreID(id); err == nil {
			t.Errorf("ValidateStoreID(%q) = nil, want an error", id)
		}
	}
}

func TestValidateStoreProfile(t *testing.T) {
	valid := StoreProfile{ID: "acme-1", Name: "Acme 1", StoreType: StoreTypeJWO, Region: "us-east-1", EntryMethods: []EntryMethod{EntryAppQR}, FraudAndAbuseStrategy: FraudNone}
	if errs := ValidateStoreProfile(valid); len(errs) != 0 {
		t.Fatalf("valid profile: %v", errs)
	}
	tests := []struct {
		field  string
		mutate func(*StoreProfile)
	}{
		{"id", func(p *StoreProfile) { p.ID = "bad id" }},
		{"name", func(p *StoreProfile) { p.Name = "" }},
		{"name", func(p *StoreProfile) { p.Name = strings.Repeat("n", 201) }},
		{"store_type", func(p *StoreProfile) { p.StoreType = "KIOSK" }},
		{"region", func(p *StoreProfile) { p.Region = "Seattle" }},
		{"entry_methods[1]", func(p *StoreProfile) { p.EntryMethods = []EntryMethod{EntryPalm, "FACE"} }},
		{"entry_methods[1]", func(p *StoreProfile) { p.EntryMethods = []EntryMethod{EntryPalm, EntryPalm} }},
		{"fraud_and_abuse_strategy", func(p *StoreProfile) { p.FraudAndAbuseStrategy = "" }},
	}
	for _, tt := range tests {
		p := valid
		tt.mutate(&p)
		errs := ValidateStoreProfile(p)
		if len(errs) != 1 || errs[0].Field != tt.field {
			t.Errorf("field %s: got %v", tt.field, errs)
		}
	}
}

func TestValidateRegion(t *testing.T) {
	for _, r := range []string{"us-east-1", "eu-central-2", "us-gov-west-1", "ap-southeast-4"} {
		if err := validateRegion(r); err != nil {
			t.Errorf("%s: %v", r, err)
		}
	}
	for _, r := range []string{"", "us-east", "US-EAST-1", "useast1", "us-east-123"} {
		if err := validateRegion(r); err == nil {
			t.Errorf("%q accepted", r)
		}
	}
}

func TestStorePatchApply(t *testing.T) {
	p := StoreProfile{ID: "s", Name: "old", StoreType: StoreTypeJWO, Region: "us-east-1", FraudAndAbuseStrategy: FraudNone}
	name, loyalty := "new", true
	entries := []EntryMethod{EntryBadge}
	got := StorePatch{Name: &name, LoyaltyProgram: &loyalty, EntryMethods: &entries}.Apply(p)
	if got.Name != "new" || !got.LoyaltyProgram || !slices.Equal(got.EntryMethods, entries) || got.Region != "us-east-1" || got.ID != "s" {
		t.Fatalf("Apply = %+v", got)
	}
	entries[0] = EntryPalm
	if got.EntryMethods[0] != EntryBadge {
		t.Fatal("Apply must copy the entry methods, not alias them")
	}
}
