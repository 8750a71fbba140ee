package connector

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/tester"
)

// suite runs the CONFORMANCE suite of m against a sample connector that
// violates the given cases, through the portal's own tester.
func suite(t *testing.T, m jwo.Method, violate ...string) tester.SuiteResult {
	t.Helper()
	conn := New(Options{Violate: violate})
	srv := httptest.NewServer(conn)
	t.Cleanup(func() { conn.Close(); srv.Close() })
	tt := tester.New(tester.Options{Dev: true, Timeout: 5 * time.Second})
	t.Cleanup(tt.CloseIdleConnections)
	return tt.RunSuite(context.Background(), tester.SuiteCall{
		Method: m, StoreID: "acme-sea-01", SKU: "WATER-500", EndpointURL: srv.URL + "/", EndpointType: jwo.EndpointPublic,
	})
}

func statuses(res tester.SuiteResult) map[string]jwo.CaseStatus {
	out := map[string]jwo.CaseStatus{}
	for _, c := range res.Cases {
		out[c.ID] = c.Status
	}
	return out
}

func TestTheSampleConnectorPassesEveryCase(t *testing.T) {
	t.Parallel()
	for _, m := range jwo.Methods {
		t.Run(string(m), func(t *testing.T) {
			t.Parallel()
			res := suite(t, m)
			if res.Status != jwo.TestSuccessful || res.Reason != jwo.ReasonNone {
				t.Errorf("suite = %s %s %q", res.Status, res.Reason, res.Message)
			}
			if len(res.Cases) != len(jwo.ConformanceCases(m)) {
				t.Errorf("%d cases, want %d", len(res.Cases), len(jwo.ConformanceCases(m)))
			}
			for _, c := range res.Cases {
				if c.Status != jwo.CasePassed {
					t.Errorf("%s %s: expected %q, observed %q", c.ID, c.Status, c.Expected, c.Observed)
				}
			}
		})
	}
}

// The matrix of the issue: for every case id, the connector that violates it
// fails exactly that case and passes every other, and the run names it.
func TestEachViolationFailsExactlyItsCase(t *testing.T) {
	t.Parallel()
	for _, id := range jwo.CaseIDs() {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			spec, _ := jwo.FindCase(id)
			res := suite(t, spec.Method, id)
			for caseID, status := range statuses(res) {
				if want := map[bool]jwo.CaseStatus{true: jwo.CaseFailed, false: jwo.CasePassed}[caseID == id]; status != want {
					t.Errorf("%s: %s, want %s", caseID, status, want)
				}
			}
			if len(res.Cases) != len(jwo.ConformanceCases(spec.Method)) {
				t.Errorf("%d cases were decided, want every case of %s", len(res.Cases), spec.Method)
			}
			wantStatus, wantReason := jwo.TestUnsuccessful, jwo.ReasonConformance
			if !spec.Required {
				wantStatus, wantReason = jwo.TestSuccessful, jwo.ReasonNone
			}
			if res.Status != wantStatus || res.Reason != wantReason || !strings.Contains(res.Message, id) {
				t.Errorf("suite = %s %s %q, want %s %s naming %s", res.Status, res.Reason, res.Message, wantStatus, wantReason, id)
			}
		})
	}
}

// Violations of another method's cases leave a method's suite alone.
func TestViolationsStayInTheirMethod(t *testing.T) {
	t.Parallel()
	var others []string
	for _, id := range jwo.CaseIDs() {
		if !strings.HasPrefix(id, "ordering.") {
			others = append(others, id)
		}
	}
	if res := suite(t, jwo.MethodOrdering, others...); res.Status != jwo.TestSuccessful {
		t.Errorf("ORDERING suite with the other methods' violations = %s %q", res.Status, res.Message)
	}
}

func TestViolateRejectsAnUnknownCase(t *testing.T) {
	t.Parallel()
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), `unknown case "ordering.nope"`) {
			t.Errorf("New with an unknown case: recover() = %v", r)
		}
	}()
	New(Options{Violate: []string{"ordering.nope"}})
}
