package portal

import (
	"net/http"
	"strconv"
	"time"
	"unicode"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

const maxIdemKeyLen = 255

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

func (p *Portal) startTest(w http.ResponseWriter, r *http.Request) error {
	c, id, m, err := p.connectorWriteTarget(r)
	if err != nil {
		return err
	}
	var in jwo.TestInput
	if err := decodeJSON(r, &in, true); err != nil {
		return err
	}
	key, err := idempotencyKey(r)
	if err != nil {
		return err
	}
	run, err := p.Service().StartTest(r.Context(), c, id, m, in, key)
	if err != nil {
		return err
	}
	w.Header().Set("Location", testLocation(run.ID))
	return writeJSON(w, http.StatusAccepted, run)
}

func (p *Portal) listTests(w http.ResponseWriter, r *http.Request) error {
	m, err := pathMethod(r)
	if err != nil {
		return err
	}
	q, err := queryParams(r, "limit")
	if err != nil {
		return err
	}
	limit, err := intParam(q, "limit", defaultTestList, maxTestList)
	if err != nil {
		return err
	}
	tests, err := p.Service().Tests(r.Context(), callerOf(r), r.PathValue("store_id"), m, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, jwo.TestList{Tests: tests})
}

// getTest answers a run; with Prefer: wait=N it waits up to N seconds for a
// RUNNING run to finish, woken when it finishes rather than by polling.
func (p *Portal) getTest(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	svc, c, id := p.Service(), callerOf(r), r.PathValue("test_id")
	wait := preferredWait(r)
	var done <-chan struct{}
	if wait > 0 {
		// Taken before the read: a run that finishes in between has closed
		// it, and the read below then sees the outcome. Whichever replica
		// runs it, its outcome is announced here (runner.finish, and
		// store.DB.ListenRuns from the others).
		ch, stop := p.finishes.watch(id)
		defer stop()
		done = ch
	}
	run, err := svc.Test(ctx, c, id)
	if err != nil {
		return err
	}
	if wait > 0 && (done != nil || run.Status.Finished()) {
		w.Header().Set("Preference-Applied", "wait="+strconv.Itoa(int(wait/time.Second)))
	}
	if done != nil && !run.Status.Finished() {
		timer := time.NewTimer(wait)
		defer timer.Stop()
		if p.parked != nil {
			p.parked()
		}
		select {
		case <-done:
		case <-timer.C:
		case <-p.draining:
		case <-ctx.Done():
			return ctx.Err()
		}
		if run, err = svc.Test(ctx, c, id); err != nil {
			return err
		}
	}
	return writeJSON(w, http.StatusOK, run)
}

// getTests is GET /v1/tests: the runs named by test_id=a,b,..., or without
// it the merchant's latest runs (limit=), in one request.
func (p *Portal) getTests(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "test_id", "limit")
	if err != nil {
		return err
	}
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
		tests, err = p.Service().TestsByID(r.Context(), callerOf(r), ids)
		if err != nil {
			return err
		}
	} else {
		limit, err := intParam(q, "limit", defaultTestList, maxRecentTests)
		if err != nil {
			return err
		}
		tests, err = p.Service().RecentTests(r.Context(), callerOf(r), limit)
		if err != nil {
			return err
		}
	}
	return writeJSON(w, http.StatusOK, jwo.TestList{Tests: tests})
}
