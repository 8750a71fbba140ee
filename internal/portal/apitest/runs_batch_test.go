package apitest

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// TestTestsByID: GET /v1/tests answers the runs named, ordered by id, each
// as GET /v1/tests/{test_id} answers it, to a viewer too; ids of no run and
// of another merchant's runs are simply absent, and Globex never gets one
// of Acme's runs by naming it.
func TestTestsByID(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	unreachable := closedPort(t)
	put(t, e.operator, storeFull, jwo.MethodLoyalty, unreachable)
	put(t, e.operator, storeFull, jwo.MethodIdentity, unreachable)
	put(t, e.other, storeOurs, jwo.MethodLoyalty, unreachable+"/globex")
	acmeRuns := []jwo.ConnectivityTest{
		run(t, e.operator, storeFull, jwo.MethodLoyalty, ""),
		run(t, e.operator, storeFull, jwo.MethodIdentity, ""),
		run(t, e.operator, storeFull, jwo.MethodLoyalty, ""),
	}
	globexRun := run(t, e.other, storeOurs, jwo.MethodLoyalty, "")
	sorted := slices.Sorted(slices.Values(ids(acmeRuns)))
	ghost := uuid.NewString()

	for _, tc := range []struct {
		name string
		ask  []string
		want []string
	}{
		{"all three, asked newest first", []string{acmeRuns[2].ID, acmeRuns[1].ID, acmeRuns[0].ID}, sorted},
		{"one", []string{acmeRuns[1].ID}, []string{acmeRuns[1].ID}},
		{"a repeat counts once", []string{acmeRuns[0].ID, acmeRuns[0].ID}, []string{acmeRuns[0].ID}},
		{"unknown and foreign ids are absent", []string{ghost, globexRun.ID, acmeRuns[0].ID}, []string{acmeRuns[0].ID}},
		{"only unknown and foreign ids", []string{ghost, globexRun.ID}, []string{}},
	} {
		got, err := e.viewer.GetTests(ctx, tc.ask)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !slices.Equal(ids(got), tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, ids(got), tc.want)
		}
		for _, r := range got {
			one, err := e.viewer.GetTest(ctx, r.ID)
			if err != nil || !equalJSON(t, r, one) {
				t.Errorf("%s: batch answers %+v, GET answers %+v (%v)", tc.name, r, one, err)
			}
		}
	}
	// Globex names every run of both merchants and gets its own only.
	got, err := e.other.GetTests(ctx, append(ids(acmeRuns), globexRun.ID))
	if err != nil || !slices.Equal(ids(got), []string{globexRun.ID}) {
		t.Errorf("Globex naming Acme's runs beside its own: %v, %v; want only %s", ids(got), err, globexRun.ID)
	}
	// Without ids: the merchant's latest runs, newest first, Globex's never.
	latest, err := e.viewer.RecentTests(ctx, 0)
	if want := []string{acmeRuns[2].ID, acmeRuns[1].ID, acmeRuns[0].ID}; err != nil || !slices.Equal(ids(latest), want) {
		t.Errorf("latest runs: %v, %v; want %v", ids(latest), err, want)
	}
	if latest, err := e.viewer.RecentTests(ctx, 2); err != nil || !slices.Equal(ids(latest), []string{acmeRuns[2].ID, acmeRuns[1].ID}) {
		t.Errorf("latest 2 runs: %v, %v", ids(latest), err)
	}
	if latest, err := e.other.RecentTests(ctx, 1000); err != nil || !slices.Equal(ids(latest), []string{globexRun.ID}) {
		t.Errorf("Globex's latest runs: %v, %v; want only its own", ids(latest), err)
	}
	// More ids than one call takes: the client splits them and keeps the order.
	many := append([]string{}, ids(acmeRuns)...)
	for range 2 * jwo.MaxFilterTestIDs {
		many = append(many, uuid.NewString())
	}
	if got, err := e.viewer.GetTestsByID(ctx, many); err != nil || !slices.Equal(ids(got), sorted) {
		t.Errorf("%d ids: %v, %v; want %v", len(many), ids(got), err, sorted)
	}
}

// TestTestsByIDBadQuery: an empty, malformed or too long list is 400 with a
// detail that names test_id, the value and the fix; never an empty answer.
func TestTestsByIDBadQuery(t *testing.T) {
	e := newEnv(t)
	tok := e.token(acme, jwo.RoleViewer)
	id := uuid.NewString()
	tooMany := strings.Repeat(id+",", jwo.MaxFilterTestIDs) + id
	for _, tc := range []struct{ query, names string }{
		{"test_id=", "test_id is empty"},
		{"test_id=" + id + "&limit=3", "give test_id or limit, not both"},
		{"limit=0", "limit"},
		{"limit=1001", "limit"},
		{"test_id=not-a-run", `test_id=\"not-a-run\": run id \"not-a-run\" is invalid: a run id is a UUID`},
		{"test_id=" + url.QueryEscape(id+", "+id), "separate several ids with commas and no spaces"},
		{"test_id=" + url.QueryEscape(id+",,"+id), "test_id"},
		{"test_id=" + url.QueryEscape(id+","), "test_id"},
		{"test_id=" + url.QueryEscape(tooMany), "split the list over several calls"},
		{"test_id=" + id + "&test_id=" + id, "test_id"},
		{"page_size=3", "page_size"},
	} {
		res, body := e.raw("GET", "/v1/tests?"+tc.query, tok, nil)
		if res.StatusCode != 400 || !strings.Contains(string(body), tc.names) {
			t.Errorf("?%s: %d %s, want 400 saying %s", tc.query, res.StatusCode, body, tc.names)
		}
	}
}
