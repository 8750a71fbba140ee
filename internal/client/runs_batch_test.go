package client

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// GetTestsByID splits any number of run ids into sorted groups of at most
// jwo.MaxFilterTestIDs, asks each once, and answers every run found, by id.
func TestGetTestsByIDSplitsRunIDsIntoGroups(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		list := jwo.TestList{Tests: []jwo.ConnectivityTest{}}
		for id := range strings.SplitSeq(r.URL.Query().Get("test_id"), ",") {
			list.Tests = append(list.Tests, jwo.ConnectivityTest{ID: id})
		}
		writeJSON(w, 200, list)
	})
	c := newTestClient(t, f.URL)
	n := 2*jwo.MaxFilterTestIDs + 1
	var ids []string
	for range n {
		ids = append(ids, uuid.NewString())
	}
	want := slices.Sorted(slices.Values(ids))
	ids = append(ids, ids[7]) // a repeat is asked for once
	runs, err := c.GetTestsByID(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range runs {
		got = append(got, r.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("%d runs, want the %d ids sorted, each once", len(got), n)
	}
	reqs := f.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests for %d run ids, want 3", len(reqs), n)
	}
	var asked []string
	for i, r := range reqs {
		if r.Path != "/v1/tests" {
			t.Errorf("request %d: path %s, want /v1/tests", i, r.Path)
		}
		q, err := url.ParseQuery(r.Query)
		if err != nil {
			t.Fatal(err)
		}
		group := strings.Split(q.Get("test_id"), ",")
		if len(group) > jwo.MaxFilterTestIDs || !slices.IsSorted(group) {
			t.Errorf("request %d names %d run ids (sorted: %v), want at most %d in order", i, len(group), slices.IsSorted(group), jwo.MaxFilterTestIDs)
		}
		asked = append(asked, group...)
	}
	if !slices.Equal(asked, want) {
		t.Errorf("the requests asked for %d ids, want each of the %d once, in order", len(asked), n)
	}
}

// One call refuses more run ids than the API takes, and an id that is not a
// run id (it could split at a comma), before any request; no ids, no request.
func TestGetTestsRefusesBadRunIDs(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSON(w, 200, jwo.TestList{Tests: []jwo.ConnectivityTest{}})
	})
	c := newTestClient(t, f.URL)
	ids := make([]string, jwo.MaxFilterTestIDs+1)
	for i := range ids {
		ids[i] = uuid.NewString()
	}
	ctx := context.Background()
	if _, err := c.GetTests(ctx, ids); err == nil || !strings.Contains(err.Error(), "GetTestsByID") {
		t.Errorf("%d ids: err = %v, want a refusal that names GetTestsByID", len(ids), err)
	}
	for _, bad := range []string{"", "not-a-run", ids[0] + "," + ids[1]} {
		if _, err := c.GetTests(ctx, []string{bad}); err == nil || !strings.Contains(err.Error(), "test_id") {
			t.Errorf("id %q: err = %v, want a refusal that names test_id", bad, err)
		}
	}
	if runs, err := c.GetTests(ctx, nil); err != nil || len(runs) != 0 {
		t.Errorf("no ids: %v, %v", runs, err)
	}
	if _, err := c.GetTests(ctx, ids[:jwo.MaxFilterTestIDs]); err != nil {
		t.Errorf("%d ids: %v", jwo.MaxFilterTestIDs, err)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("%d requests, want 1 (only the call within the limit)", n)
	}
}
