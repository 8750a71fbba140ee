package jwo

import (
	"strings"
	"testing"
)

// The characters of issue 22's review that made two names look the same,
// and the controls of before: each is refused, by the one rule, wherever a
// display name is checked (stores, catalog items, tokens).
var invisibleNames = map[string]string{
	"zero-width space":      "Acme\u200bSeattle",
	"zero-width non-joiner": "Acme\u200cSeattle",
	"zero-width joiner":     "Acme\u200dSeattle",
	"left-to-right mark":    "Acme\u200eSeattle",
	"right-to-left mark":    "Acme\u200fSeattle",
	"word joiner":           "Acme\u2060Seattle",
	"soft hyphen":           "Acme\u00adSeattle",
	"Mongolian vowel sep.":  "Acme\u180eSeattle",
	"Hangul filler":         "Acme\u3164Seattle",
	"halfwidth filler":      "Acme\uffa0",
	"tag character":         "Acme\U000E0041",
	"variation selector":    "Acme\ufe0f",
	"combining grapheme j.": "Acme\u034fSeattle",
	"byte order mark":       "\ufeffAcme",
	"RTL override":          "Acme\u202eelttaeS",
	"line separator":        "Acme\u2028",
	"NUL":                   "Acme\x00",
	"ESC":                   "Acme \x1b[31m",
	"new line":              "Acme\nSeattle",
	"DEL":                   "Acme\x7f",
	"no-break space":        "Acme\u00a0Seattle",
	"ideographic space":     "Acme\u3000Seattle",
}

func TestCheckDisplayTextRefusesInvisibleCharacters(t *testing.T) {
	for what, s := range invisibleNames {
		err := checkDisplayText(s)
		if err == nil || !strings.Contains(err.Error(), "contains U+") || !strings.Contains(err.Error(), "at character ") {
			t.Errorf("%s: checkDisplayText(%q) = %v, want the character named", what, s, err)
		}
		if validateItemName(s) == nil {
			t.Errorf("%s: validateItemName(%q) accepted", what, s)
		}
		if ValidateTokenName(s) == nil {
			t.Errorf("%s: ValidateTokenName(%q) accepted", what, s)
		}
		p := StoreProfile{ID: "acme-1", Name: s, StoreType: StoreTypeDashCart, Region: "us-east-1"}
		if errs := ValidateStoreProfile(p); !hasField(errs, "name") {
			t.Errorf("%s: ValidateStoreProfile accepted the name %q: %v", what, s, errs)
		}
	}
	err := checkDisplayText("ab\u200b")
	if err == nil || !strings.Contains(err.Error(), "U+200B, an invisible format character, at character 3") {
		t.Errorf("checkDisplayText names the character and its place: %v", err)
	}
	if err := checkDisplayText("a\xff"); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("invalid UTF-8: %v", err)
	}
}

// NFC is required, not applied: the decomposed é is refused with the
// composed spelling to use, so that what Terraform sends is what is kept.
func TestCheckDisplayTextRequiresNFC(t *testing.T) {
	err := checkDisplayText("Cafe\u0301")
	if err == nil || !strings.Contains(err.Error(), "normalization form C") || !strings.Contains(err.Error(), "Café") {
		t.Errorf("decomposed é: %v, want refused with the composed form", err)
	}
	for _, s := range []string{"Café 東京 🛒", "Acme Seattle #1", "Ünïcödé", "Zoë's Market", "한국 상점", "ﾊﾝｶｸ"} {
		if err := checkDisplayText(s); err != nil {
			t.Errorf("checkDisplayText(%q) = %v, want accepted", s, err)
		}
	}
}

func TestValidateTokenName(t *testing.T) {
	for _, s := range []string{"x", "ci", "alice-admin", "Café token", strings.Repeat("x", MaxTokenNameLength), "via", "ci-via-console", "viaduct team"} {
		if err := ValidateTokenName(s); err != nil {
			t.Errorf("ValidateTokenName(%q) = %v, want accepted", s, err)
		}
	}
	for _, s := range []string{"", strings.Repeat("x", MaxTokenNameLength+1), "ci via console", "ci VIA terraform", "x Via y", "ends via ", " via "} {
		if err := ValidateTokenName(s); err == nil {
			t.Errorf("ValidateTokenName(%q) accepted", s)
		}
	}
	err := ValidateTokenName("ci via terraform")
	if err == nil || !strings.Contains(err.Error(), `" via "`) || !strings.Contains(err.Error(), "reserves") {
		t.Errorf("a name holding the separator: %v, want the reason", err)
	}
	if err := ValidateTokenName(""); err == nil || !strings.Contains(err.Error(), "1 to 100 characters, got 0") {
		t.Errorf("an empty name: %v", err)
	}
}

func TestHoldsActorSeparator(t *testing.T) {
	for s, want := range map[string]bool{" via ": true, "a via b": true, "a VIA b": true, "a  via": false, "avia b": false, "a vía b": false, " via": false, "": false} {
		if got := HoldsActorSeparator(s); got != want {
			t.Errorf("HoldsActorSeparator(%q) = %t, want %t", s, got, want)
		}
	}
}

func hasField(errs []FieldError, field string) bool {
	for _, e := range errs {
		if e.Field == field {
			return true
		}
	}
	return false
}
