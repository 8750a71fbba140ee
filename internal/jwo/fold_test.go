package jwo

import "testing"

// Enum values fold ASCII letters only. The lookalikes are what
// strings.ToUpper and strings.EqualFold accepted: U+0131 (dotless i) upper-
// cases to I, U+017F (long s) folds to s, U+212A (Kelvin) folds to k and
// U+0130 (dotted capital I) lower-cases to i.
func TestEnumsFoldASCIIOnly(t *testing.T) {
	for _, s := range []string{"ıdentıty", "IDENTİTY", "fraud_and_abuſe", "loyalty\u0000", "loyalt"} {
		if m, err := ParseMethod(s); err == nil {
			t.Errorf("ParseMethod(%q) = %s, want refused", s, m)
		}
	}
	for _, s := range []string{"admİn", "vıewer", "operator\u212a"} {
		if r, err := ParseRole(s); err == nil {
			t.Errorf("ParseRole(%q) = %s, want refused", s, r)
		}
	}
	if _, err := EndpointTypeForAPIGateway("ReGıONAL"); err == nil {
		t.Error("EndpointTypeForAPIGateway accepted a dotless i")
	}
	if _, ok := ParseEnum("\u212aELVIN", []string{"KELVIN"}); ok {
		t.Error("ParseEnum folded the Kelvin sign to K")
	}
	for s, want := range map[string]Role{"ADMIN": RoleAdmin, "Viewer": RoleViewer, "oPeRaToR": RoleOperator} {
		if r, err := ParseRole(s); err != nil || r != want {
			t.Errorf("ParseRole(%q) = %s, %v; want %s", s, r, err, want)
		}
	}
	if v, ok := ParseEnum("dash_cart", StoreTypes); !ok || v != StoreTypeDashCart {
		t.Errorf("ParseEnum(dash_cart) = %q, %t", v, ok)
	}
}

// The edges of the folded range: only A-Z meet a-z; '@' and '[' around the
// capitals and '`' and '{' around the small letters stay themselves.
func TestEqualFoldASCIIEdges(t *testing.T) {
	for _, tc := range []struct {
		s, t string
		want bool
	}{
		{"AZ", "az", true},
		{"az", "AZ", true},
		{"Mz", "mZ", true},
		{"@", "`", false},
		{"[", "{", false},
		{"@[", "@[", true},
		{"A", "AB", false},
		{"ab", "ac", false},
	} {
		if got := equalFoldASCII(tc.s, tc.t); got != tc.want {
			t.Errorf("equalFoldASCII(%q, %q) = %t, want %t", tc.s, tc.t, got, tc.want)
		}
	}
}
