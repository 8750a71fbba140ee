package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/tester"
)

func TestPreferredWait(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"wait=5", 5 * time.Second},
		{"respond-async, wait=3", 3 * time.Second},
		{"Wait = 2 ; extra", 2 * time.Second},
		{`wait="4"`, 4 * time.Second},
		{"wait=600", maxPreferWait},
		{"wait=0", 0},
		{"wait=-1", 0},
		{"wait=soon", 0},
		{"return=minimal", 0},
	} {
		r := httptest.NewRequest(http.MethodGet, "/v1/tests/x", nil)
		if tc.header != "" {
			r.Header.Set("Prefer", tc.header)
		}
		if got := preferredWait(r); got != tc.want {
			t.Errorf("Prefer %q: wait %v, want %v", tc.header, got, tc.want)
		}
	}
}

// blockTester makes the runs wait for release, so a run stays RUNNING for
// as long as a test needs.
func blockTester(e *env) chan struct{} {
	release := make(chan struct{})
	e.tester.setRun(func(ctx context.Context, c tester.Call) tester.Result {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return tester.Result{Status: jwo.TestSuccessful, HTTPStatus: c.Method.SuccessStatus(), ResponseExcerpt: `{}`}
	})
	return release
}

// runningOrderingRun starts an Ordering test that stays RUNNING until
// release is closed.
func runningOrderingRun(t *testing.T) (*env, jwo.ConnectivityTest, chan struct{}) {
	t.Helper()
	e := newEnv(t)
	release := blockTester(e)
	e.must(201, "PUT", orderingPath, "operator", connectorBody(publicURL, jwo.EndpointPublic))
	run, _ := e.startRun("operator", orderingTests, `{"sku":"WATER-500"}`)
	return e, run, release
}

func TestGetTestWithoutPreferAnswersAtOnce(t *testing.T) {
	e, run, release := runningOrderingRun(t)
	defer close(release)
	r := e.must(200, "GET", "/v1/tests/"+run.ID, "viewer", "")
	var got jwo.ConnectivityTest
	r.json(t, &got)
	if got.Status != jwo.TestRunning {
		t.Errorf("status %s, want RUNNING", got.Status)
	}
	if v := r.header.Get("Preference-Applied"); v != "" {
		t.Errorf("Preference-Applied %q without a Prefer header", v)
	}
}

// waitAnswer is what a long poll of GET /v1/tests/{id} got back.
type waitAnswer struct {
	run     jwo.ConnectivityTest
	applied string
	err     error
}

// longPoll sends GET /v1/tests/{id} with Prefer: wait=15 and returns where
// its answer will arrive, once the handler is parked waiting for the run.
func longPoll(e *env, id string) <-chan waitAnswer {
	parked := make(chan struct{})
	var once sync.Once
	started := func() { once.Do(func() { close(parked) }) }
	e.waitStarted.Store(&started)
	answers := make(chan waitAnswer, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/v1/tests/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+e.tokens["viewer"])
		req.Header.Set("Prefer", "wait=15")
		res, err := e.srv.Client().Do(req)
		if err != nil {
			answers <- waitAnswer{err: err}
			return
		}
		defer func() { _ = res.Body.Close() }()
		var a waitAnswer
		a.applied = res.Header.Get("Preference-Applied")
		a.err = json.NewDecoder(res.Body).Decode(&a.run)
		answers <- a
	}()
	<-parked
	return answers
}

// A GET that prefers to wait, parked while the run is RUNNING, answers with
// the outcome once the run is recorded.
func TestGetTestWithPreferWaitAnswersWhenTheRunFinishes(t *testing.T) {
	e, run, release := runningOrderingRun(t)

	answers := longPoll(e, run.ID)
	close(release)
	a := <-answers
	if a.err != nil {
		t.Fatal(a.err)
	}
	if a.run.Status != jwo.TestSuccessful || a.run.CompletedAt == nil {
		t.Errorf("run %+v, want the recorded outcome", a.run)
	}
	if a.applied != "wait=15" {
		t.Errorf("Preference-Applied %q, want wait=15", a.applied)
	}
}

// A graceful shutdown waits for every request in flight, so Drain answers
// the parked long polls at once with the run as it stands.
func TestDrainAnswersParkedLongPolls(t *testing.T) {
	e, run, release := runningOrderingRun(t)
	defer close(release)

	answers := longPoll(e, run.ID)
	drained := time.Now()
	e.portal.Drain()
	a := <-answers // the run is still blocked: only Drain or the 15 s wait can end it
	if a.err != nil {
		t.Fatal(a.err)
	}
	if since := time.Since(drained); since > 10*time.Second {
		t.Errorf("answered %v after Drain: the wait ran out instead", since)
	}
	if a.run.Status != jwo.TestRunning {
		t.Errorf("status %s, want RUNNING (answered as it stands)", a.run.Status)
	}
	// Once draining, a new long poll does not wait either.
	r := e.must(200, "GET", "/v1/tests/"+run.ID, "viewer", "", "Prefer", "wait=15")
	var got jwo.ConnectivityTest
	r.json(t, &got)
	if got.Status != jwo.TestRunning {
		t.Errorf("status %s after Drain, want RUNNING at once", got.Status)
	}
}

// A run that outlasts the wait is answered RUNNING when the wait is over,
// and says the preference was applied so that the client asks again at once.
func TestGetTestWithPreferWaitGivesUpAfterTheWait(t *testing.T) {
	e, run, release := runningOrderingRun(t)
	defer close(release)
	r := e.must(200, "GET", "/v1/tests/"+run.ID, "viewer", "", "Prefer", "wait=1")
	var got jwo.ConnectivityTest
	r.json(t, &got)
	if got.Status != jwo.TestRunning || r.header.Get("Preference-Applied") != "wait=1" {
		t.Errorf("status %s, Preference-Applied %q; want RUNNING and wait=1", got.Status, r.header.Get("Preference-Applied"))
	}
}

// Another merchant's token learns nothing by waiting: the run is a 404 at once.
func TestGetTestWithPreferWaitKeepsOtherMerchantsOut(t *testing.T) {
	e, run, release := runningOrderingRun(t)
	defer close(release)
	e.must(404, "GET", "/v1/tests/"+run.ID, "other", "", "Prefer", "wait=10")
}
