package tester

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestExcerpt(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		body string
		want string
	}{
		{"empty", "", ""},
		{"short", `{"ok":true}`, `{"ok":true}`},
		{"capped", strings.Repeat("a", 1000), strings.Repeat("a", excerptBytes)},
		{"invalid bytes replaced", "a\xffb\xc3", "a\uFFFDb\uFFFD"},
		{"rune crossing the cap left out", strings.Repeat("a", excerptBytes-1) + "é", strings.Repeat("a", excerptBytes-1)},
		{"replacement crossing the cap left out", strings.Repeat("a", excerptBytes-2) + "\xff", strings.Repeat("a", excerptBytes-2)},
		{"multibyte up to the cap", strings.Repeat("€", 100), strings.Repeat("€", excerptBytes/3)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := excerpt([]byte(tc.body))
			if got != tc.want {
				t.Errorf("excerpt = %q, want %q", got, tc.want)
			}
			if !utf8.ValidString(got) || len(got) > excerptBytes {
				t.Errorf("excerpt %q is not valid UTF-8 of at most %d bytes", got, excerptBytes)
			}
		})
	}
}
