package tester

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
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

// The run's message for an egress refusal or a name error is fixed (issue
// 22): it names neither the address the portal's resolver answered nor
// whether the name exists, so that an operator token cannot map the
// portal's internal DNS. A name that does not resolve, one whose lookup
// failed, one with no addresses and one that resolves to a private address
// read the same; the detail for the log tells them apart.
func TestClassifyErrorHidesWhatTheResolverAnswered(t *testing.T) {
	t.Parallel()
	fc := failureContext{host: "db.corp.example:443", timeout: time.Second, callCtx: context.Background()}
	private := &EgressError{Addr: netip.MustParseAddr("10.20.30.40"), Why: "a private address (10.0.0.0/8)"}
	failures := map[string]error{
		"refused address": fmt.Errorf("dial: %w", private),
		"no such host":    &dnsError{host: "db.corp.example", err: &net.DNSError{Err: "no such host", Name: "db.corp.example", IsNotFound: true}},
		"lookup failed":   &dnsError{host: "db.corp.example", err: &net.DNSError{Err: "server misbehaving", Name: "db.corp.example"}},
		"no addresses":    &dnsError{host: "db.corp.example", err: errNoAddresses},
		"net.DNSError":    &net.DNSError{Err: "no such host", Name: "db.corp.example", IsNotFound: true},
	}
	var messages []string
	for name, err := range failures {
		reason, msg, detail := classifyError(err, fc)
		if reason != jwo.ReasonDNS {
			t.Errorf("%s: reason %q, want dns", name, reason)
		}
		for _, leak := range []string{"10.20.30.40", "is a private", "no such host", "misbehaving", "no addresses"} {
			if strings.Contains(msg, leak) {
				t.Errorf("%s: message %q tells %q", name, msg, leak)
			}
		}
		if detail == "" {
			t.Errorf("%s: no detail for the log", name)
		}
		messages = append(messages, msg)
	}
	slices.Sort(messages)
	if distinct := slices.Compact(slices.Clone(messages)); len(distinct) != 1 {
		t.Errorf("the messages differ: %q", distinct)
	}
	if !strings.Contains(messages[0], "db.corp.example") {
		t.Errorf("message %q does not name the tenant's own host", messages[0])
	}
	_, _, detail := classifyError(failures["refused address"], fc)
	if !strings.Contains(detail, "10.20.30.40 is a private address") {
		t.Errorf("detail %q does not say which address was refused and why", detail)
	}

	// A literal address, which the tenant wrote, is refused as such; still
	// without the class of the address.
	lit := failureContext{host: "[fd00:ec2::254]:443", timeout: time.Second, callCtx: context.Background()}
	reason, msg, detail := classifyError(&EgressError{Addr: netip.MustParseAddr("fd00:ec2::254"), Why: "a unique-local address (fc00::/7)"}, lit)
	if reason != jwo.ReasonConnect || msg != refusedAddressMessage || !strings.Contains(detail, "unique-local") {
		t.Errorf("a literal address: %s %q %q", reason, msg, detail)
	}
}
