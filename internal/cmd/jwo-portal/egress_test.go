package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// runOrdering saves the ORDERING connector of acme-sea-01 at endpoint and
// runs one test, returning the finished run.
func runOrdering(t *testing.T, portalURL, token, endpoint string) jwo.ConnectivityTest {
	t.Helper()
	connector := portalURL + "/v1/stores/acme-sea-01/connectors/ordering"
	if status, body := call(t, http.MethodPut, connector, token, `{"endpoint_url":"`+endpoint+`","endpoint_type":"PUBLIC"}`); status >= 300 {
		t.Fatalf("PUT connector %s: %d %s", endpoint, status, body)
	}
	status, body := call(t, http.MethodPost, connector+"/tests", token, `{"sku":"WATER-500"}`)
	if status != http.StatusAccepted {
		t.Fatalf("POST test: %d %s", status, body)
	}
	var run jwo.ConnectivityTest
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if err := json.Unmarshal([]byte(body), &run); err != nil {
			t.Fatal(err)
		}
		if run.Status.Finished() {
			return run
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s still %s after 20 s", run.ID, run.Status)
		}
		_, body = call(t, http.MethodGet, portalURL+"/v1/tests/"+run.ID, token, "")
	}
}

// Even in Dev mode, where loopback is open, the tester never calls the
// portal's own listening address (a connector URL pointing at the portal),
// nor a block the operator denies with --egress-deny; another loopback port
// stays reachable.
func TestServeEgressRefusesItselfAndOperatorBlocks(t *testing.T) {
	t.Parallel()
	c := startServing(t, runConnector, "--addr", "127.0.0.1:0")

	db := filepath.Join(t.TempDir(), "portal.db")
	p := startServing(t, runServe, "--addr", "127.0.0.1:0", "--db", db, "--dev", "--seed", writeSeed(t, seedYAML))
	token := createToken(t, db, "acme", "operator")
	// The run says only that the egress policy refused the address; which
	// rule refused it is in the server's log (issue 22).
	if run := runOrdering(t, p.URL, token, p.URL); run.Status != jwo.TestUnsuccessful || !strings.Contains(run.Message, "refused by egress policy") ||
		strings.Contains(run.Message, "own listening address") || !strings.Contains(p.stderr.String(), "the portal's own listening address") {
		t.Errorf("a run against the portal itself: %s %s %q; want refused, the reason in the log:\n%s", run.Status, run.Reason, run.Message, p.stderr.String())
	}
	if run := runOrdering(t, p.URL, token, c.URL); run.Status != jwo.TestSuccessful {
		t.Errorf("a run against the connector on another loopback port: %s %s %q", run.Status, run.Reason, run.Message)
	}

	denied := filepath.Join(t.TempDir(), "denied.db")
	d := startServing(t, runServe, "--addr", "127.0.0.1:0", "--db", denied, "--dev", "--seed", writeSeed(t, seedYAML),
		"--egress-deny", "10.0.0.0/8", "--egress-deny", "127.0.0.1")
	token = createToken(t, denied, "acme", "operator")
	if run := runOrdering(t, d.URL, token, c.URL); run.Status != jwo.TestUnsuccessful || !strings.Contains(run.Message, "refused by egress policy") ||
		strings.Contains(run.Message, "127.0.0.1") || !strings.Contains(d.stderr.String(), "127.0.0.1/32, which the operator denies") {
		t.Errorf("a run into a denied block: %s %s %q; want refused, --egress-deny named in the log:\n%s", run.Status, run.Reason, run.Message, d.stderr.String())
	}
	if code, _, stderr := runCLI(t, "serve", "--db", denied, "--egress-deny", "not-a-cidr"); code != exitUsage || !strings.Contains(stderr, "--egress-deny") {
		t.Errorf("a bad --egress-deny: exit %d, %q", code, stderr)
	}
}
