package jwo

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// checkDisplayText refuses what a name shown to people must not hold:
// invalid UTF-8, control characters (NUL, ESC, new lines, which reach logs,
// terminals and Terraform outputs) and the Unicode formatting characters that
// reorder or hide text (bidirectional overrides, line separators). It names
// the first offending character and where it is.
func checkDisplayText(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("is not valid UTF-8")
	}
	for i, r := range []rune(s) {
		if unicode.IsControl(r) || hiddenFormatting(r) {
			return fmt.Errorf("contains the control character %U at character %d: use printable characters only", r, i+1)
		}
	}
	return nil
}

func hiddenFormatting(r rune) bool {
	switch {
	case r == '\u2028' || r == '\u2029': // line and paragraph separators
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069': // bidirectional embeddings, overrides, isolates
		return true
	case r == '\ufeff': // byte order mark, invisible inside text
		return true
	}
	return false
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
