package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// Two teams manage one connector from two working directories. B plans; A
// applies a change in between; B applies the plan it saved. B's update must
// meet 412 and say so, never overwrite A's change silently, and B's next
// plan must show A's value being replaced, for review. Real terraform
// processes, each with its own state, against one portal.
func TestAccTwoWorkspaces_savedPlanMeetsConcurrentChange(t *testing.T) {
	tp, plugins := newCLITest(t)
	config := func(url string) string {
		return cliProviderBlock(tp, tp.OperatorToken) +
			connectorHCL("identity", accStoreJWO, "IDENTITY", url, "PUBLIC")
	}
	importBlock := fmt.Sprintf("\nimport {\n  to = jwo_store_connector.identity\n  id = %q\n}\n", accStoreJWO+"/IDENTITY")

	a := newCLIWorkspace(t, plugins, config(urlPublicA))
	a.mustRun(0, "apply", "-auto-approve", "-input=false")
	tp.mustHold(t, accStoreJWO, jwo.MethodIdentity, urlPublicA, 1)

	// B adopts the connector with an import block: no change, version 1.
	b := newCLIWorkspace(t, plugins, config(urlPublicA)+importBlock)
	b.mustRun(0, "apply", "-auto-approve", "-input=false")

	b.writeConfig(config(urlPublicBPlain))
	b.mustRun(2, "plan", "-input=false", "-detailed-exitcode", "-out=b.tfplan")

	a.writeConfig(config(urlOutOfBand))
	a.mustRun(0, "apply", "-auto-approve", "-input=false")
	tp.mustHold(t, accStoreJWO, jwo.MethodIdentity, urlOutOfBand, 2)

	out := flattenDiagnostics(b.mustRun(1, "apply", "-input=false", "-no-color", "b.tfplan"))
	for _, want := range []string{
		"Connector changed outside Terraform",
		"Terraform last saw version 1",
		"Run terraform apply -refresh-only (or plan again)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("B's apply output lacks %q:\n%s", want, out)
		}
	}
	tp.mustHold(t, accStoreJWO, jwo.MethodIdentity, urlOutOfBand, 2)

	// B's next plan refreshes, sees A's value and proposes replacing it.
	out = b.mustRun(2, "plan", "-input=false", "-detailed-exitcode", "-no-color")
	if !strings.Contains(out, fmt.Sprintf("%q -> %q", urlOutOfBand, urlPublicBPlain)) {
		t.Errorf("B's plan does not show A's value being replaced:\n%s", out)
	}
}

// mustHold fails the test unless the portal holds url at version.
func (tp *testPortal) mustHold(t *testing.T, storeID string, m jwo.Method, url string, version int64) {
	t.Helper()
	if err := tp.portalHolds(storeID, m, url, version)(nil); err != nil {
		t.Fatal(err)
	}
}
