package provider

import (
	"strings"
	"testing"
)

// With TF_LOG=TRACE (a superset of DEBUG) terraform writes the provider's
// own log lines, the plugin protocol's and its own. The token must appear in
// none of them, whether it came from the provider block or from JWO_TOKEN,
// while the lines that would carry it (one per API request, with the
// Authorization header) are there.
func TestAccDebugLogsHoldNoToken(t *testing.T) {
	tp, plugins := newCLITest(t)
	resources := connectorHCL("ordering", accStoreJWO, "ORDERING", urlPublicA, "PUBLIC") + `
data "jwo_store" "this" {
  id = jwo_store_connector.ordering.store_id
}
`
	cases := []struct {
		name   string
		token  string
		config string
		env    []string
	}{
		{"token in the provider block", tp.OperatorToken, cliProviderBlock(tp, tp.OperatorToken) + resources, nil},
		{"token from JWO_TOKEN", tp.AdminToken, `
provider "jwo" {}
` + resources, []string{"JWO_ENDPOINT=" + tp.URL, "JWO_TOKEN=" + tp.AdminToken}},
	}
	for _, tc := range cases {
		w := newCLIWorkspace(t, plugins, tc.config)
		env := append([]string{"TF_LOG=TRACE"}, tc.env...)
		for _, args := range [][]string{
			{"apply", "-auto-approve", "-input=false"},
			{"plan", "-input=false"},
			{"destroy", "-auto-approve", "-input=false"},
		} {
			out, code := w.run(env, args...)
			if code != 0 {
				t.Fatalf("%s: terraform %s: exit %d\n%s", tc.name, args[0], code, tail(out, 4000))
			}
			if strings.Contains(out, tc.token) {
				t.Errorf("%s: terraform %s with TF_LOG=TRACE printed the token", tc.name, args[0])
			}
			for _, want := range []string{"JWO API request", `header_authorization="Bearer <redacted>"`} {
				if !strings.Contains(out, want) {
					t.Errorf("%s: terraform %s log lacks %q, so the check proves nothing", tc.name, args[0], want)
				}
			}
		}
	}
}

// tail is the last n bytes of s, for failure messages about long logs.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
