package jwo

import (
	"fmt"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// checkDisplayText is the one rule for a name shown to people (store names,
// catalog item names, token names): valid UTF-8 in Unicode normalization
// form C, with no control character (NUL, ESC, new lines, which reach logs,
// terminals and Terraform outputs), no format character (bidirectional
// overrides, zero-width spaces and joiners, the soft hyphen, tag
// characters) and no other default-ignorable code point (variation
// selectors, Hangul fillers): those are drawn as nothing or reorder what is
// drawn, so two different names would look the same in the console and in
// a plan. For the same reason the only space is U+0020 (a no-break or
// ideographic space looks like it). NFC is required rather than applied, so that what Terraform sends
// is what the portal keeps (a silent rewrite would show as drift). It names
// the first offending character and where it is.
func checkDisplayText(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("is not valid UTF-8")
	}
	for i, r := range []rune(s) {
		if what := invisible(r); what != "" {
			return fmt.Errorf("contains %U, %s, at character %d: use visible characters and the plain space only", r, what, i+1)
		}
	}
	if !norm.NFC.IsNormalString(s) {
		return fmt.Errorf("is not in Unicode normalization form C (composed characters): write it as %q", norm.NFC.String(s))
	}
	return nil
}

// invisible names the kind of a character a display name must not hold, ""
// for one it may.
func invisible(r rune) string {
	switch {
	case unicode.IsControl(r), unicode.In(r, unicode.Zl, unicode.Zp):
		return "a control character"
	case unicode.Is(unicode.Cf, r):
		return "an invisible format character"
	case unicode.In(r, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point):
		return "an invisible (default-ignorable) character"
	case unicode.Is(unicode.Zs, r) && r != ' ':
		return "a space other than U+0020"
	}
	return ""
}

// TruncateUTF8 cuts s to at most n bytes without splitting a character.
func TruncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
