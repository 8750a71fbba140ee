package api

import (
	"net/http"
	"strconv"
	"time"
	"unicode"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

const maxIdemKeyLen = 255

// Run lists: GET .../tests of one connector, and GET /v1/tests of the
// merchant's latest runs.
const (
	defaultRunList = 20
	maxRunList     = 100
)

func idempotencyKey(r *http.Request) (string, error) {
	k := r.Header.Get("Idempotency-Key")
	if len(k) > maxIdemKeyLen {
		return "", badRequest("Idempotency-Key is %d characters long; the limit is %d", len(k), maxIdemKeyLen)
	}
	for _, c := range k {
		if c > unicode.MaxASCII || !unicode.IsPrint(c) {
			return "", badRequest("Idempotency-Key must be printable ASCII, such as a UUID")
		}
	}
	return k, nil
}

func (a *API) startTest(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("store_id")
	m, err := pathMethod(r)
	if err != nil {
		return err
	}
	var in jwo.TestInput
	if err := a.decodeWrite(r, &in, true, id, portal.WriteConnectors); err != nil {
		return err
	}
	key, err := idempotencyKey(r)
	if err != nil {
		return err
	}
	run, err := a.svc.StartTest(r.Context(), callerOf(r), id, m, in, key)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/tests/"+run.ID)
	return writeJSON(w, http.StatusAccepted, run)
}

func (a *API) listTests(w http.ResponseWriter, r *http.Request) error {
	m, err := pathMethod(r)
	if err != nil {
		return err
	}
	q := queryOf(r)
	limit, err := intParam(q, "limit", defaultRunList, maxRunList)
	if err != nil {
		return err
	}
	tests, err := a.svc.Tests(r.Context(), callerOf(r), r.PathValue("store_id"), m, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, jwo.TestList{Tests: tests})
}

// getTest answers a run; with Prefer: wait=N it waits up to N seconds for a
// RUNNING run to finish.
func (a *API) getTest(w http.ResponseWriter, r *http.Request) error {
	wait := preferredWait(r)
	run, waited, err := a.svc.WaitTest(r.Context(), callerOf(r), r.PathValue("test_id"), wait)
	if err != nil {
		return err
	}
	if waited {
		w.Header().Set("Preference-Applied", "wait="+strconv.Itoa(int(wait/time.Second)))
	}
	return writeJSON(w, http.StatusOK, run)
}

// getTests is GET /v1/tests: the runs named by test_id=a,b,..., or without
// it the merchant's latest runs (limit=), in one request.
func (a *API) getTests(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	var tests []jwo.ConnectivityTest
	if q.Has("test_id") {
		if q.Has("limit") {
			return badRequest("give test_id or limit, not both: test_id answers every run it names")
		}
		ids, err := idListParam(q, "test_id", "run ids", jwo.MaxFilterTestIDs, jwo.ValidateTestID)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return badRequest("test_id is empty: list the run ids to read, separated by commas, e.g. test_id=ID1,ID2 (at most %d), or leave it out for the latest runs", jwo.MaxFilterTestIDs)
		}
		tests, err = a.svc.TestsByID(r.Context(), callerOf(r), ids)
		if err != nil {
			return err
		}
	} else {
		limit, err := intParam(q, "limit", defaultRunList, portal.MaxRecentRuns)
		if err != nil {
			return err
		}
		tests, err = a.svc.RecentTests(r.Context(), callerOf(r), limit)
		if err != nil {
			return err
		}
	}
	return writeJSON(w, http.StatusOK, jwo.TestList{Tests: tests})
}
