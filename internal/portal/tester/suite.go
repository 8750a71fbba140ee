package tester

import (
	"context"
	"fmt"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// SuiteCall is one CONFORMANCE suite to run: every documented case of the
// method, in order, against the endpoint.
type SuiteCall struct {
	Method       jwo.Method
	StoreID      string
	SKU          string // ORDERING: an item of the store's catalog
	EndpointURL  string // the saved base URL; each case appends its path
	EndpointType jwo.EndpointType
	// OnCase, when set, hears each case as soon as it is decided (sent and
	// judged, or skipped), so that a caller can keep the cases of a suite
	// that does not finish.
	OnCase func(CaseResult)
}

// CaseResult is one decided case and the start of the body it got.
type CaseResult struct {
	jwo.Case
	ResponseExcerpt string
}

// SuiteResult is the outcome of a suite: the run's verdict and its cases.
type SuiteResult struct {
	Status  jwo.TestStatus // SUCCESSFUL or UNSUCCESSFUL
	Reason  jwo.FailureReason
	Message string
	// HTTPStatus and ResponseExcerpt are the first failed case's, else the
	// last answered case's.
	HTTPStatus      int
	ResponseExcerpt string
	Latency         time.Duration // the whole suite
	Cases           []CaseResult
	// Detail is Result.Detail of the call that stopped the suite: for the
	// portal's log only.
	Detail string
}

// RunSuite runs the cases of the suite one after another, each a call like
// Run's (the same timeout, egress policy and caps). When the first case
// cannot reach the endpoint at all (dns, connect, tls, timeout) the suite
// stops there with that reason and the other cases are SKIPPED, rather than
// failing each of them the same way.
func (t *Tester) RunSuite(ctx context.Context, s SuiteCall) SuiteResult {
	if ctx == nil {
		ctx = context.Background()
	}
	start := time.Now()
	res := t.runSuite(ctx, s)
	res.Latency = time.Since(start)
	return res
}

func (t *Tester) runSuite(ctx context.Context, s SuiteCall) SuiteResult {
	specs := jwo.ConformanceCases(s.Method)
	if len(specs) == 0 {
		return SuiteResult{Status: jwo.TestUnsuccessful, Reason: jwo.ReasonConnect,
			Message: fmt.Sprintf("No call was made: %q is not a connector method.", s.Method)}
	}
	r := suiteRun{t: t, s: s, exchanges: map[string]*jwo.Exchange{}}
	for i, spec := range specs {
		if r.stop != nil {
			r.decide(CaseResult{Case: skipped(spec, r.stopWords)})
			continue
		}
		r.runCase(ctx, i, spec)
	}
	return r.result()
}

// suiteRun is the state of one suite while its cases run.
type suiteRun struct {
	t         *Tester
	s         SuiteCall
	exchanges map[string]*jwo.Exchange // answered cases, by id
	cases     []CaseResult
	stop      *Result // why the suite stopped early, nil while it runs
	stopWords string  // the observation of the cases it did not send
}

func skipped(spec jwo.CaseSpec, why string) jwo.Case {
	c := spec.Case()
	c.Status, c.Observed = jwo.CaseSkipped, why
	return c
}

func (r *suiteRun) decide(c CaseResult) {
	r.cases = append(r.cases, c)
	if r.s.OnCase != nil {
		r.s.OnCase(c)
	}
}

func (r *suiteRun) runCase(ctx context.Context, i int, spec jwo.CaseSpec) {
	var dep *jwo.Exchange
	if spec.DependsOn != "" {
		dep = r.exchanges[spec.DependsOn]
	}
	ids, err := syntheticIDs()
	if err != nil {
		r.stopAt(spec, failed(jwo.ReasonConnect, fmt.Sprintf("No call was made: %v.", err)), 0, "not sent: no synthetic id could be made")
		return
	}
	req, err := spec.Build(jwo.CaseInput{StoreID: r.s.StoreID, SKU: r.s.SKU, IDs: ids}, dep)
	if err != nil {
		r.decide(CaseResult{Case: skipped(spec, err.Error())})
		return
	}
	target, err := pathURL(r.s.EndpointURL, req.Path)
	if err != nil {
		r.stopAt(spec, failed(jwo.ReasonConnect, fmt.Sprintf("No call was made: %v.", err)), 0, "not sent: no call can be made to the endpoint URL")
		return
	}

	c := CaseResult{Case: spec.Case()}
	start := time.Now()
	var cut *Result // a body the connector began but did not finish
	failure := r.t.post(ctx, target, req.Body, func(a answer, fc failureContext) {
		c.HTTPStatus, c.ResponseExcerpt = a.status, excerpt(a.body)
		if a.readErr != nil {
			res := classifyAnswer(a, fc)
			cut = &res
			return
		}
		ans := jwo.CaseAnswer{Status: a.status, Body: a.body, TooLarge: a.tooLarge}
		r.exchanges[spec.ID] = &jwo.Exchange{Request: req, Answer: ans}
		v := spec.Judge(ans, dep)
		c.Status, c.Observed = jwo.CaseFailed, v.Observed
		if v.Passed {
			c.Status = jwo.CasePassed
		}
	})
	elapsed := time.Since(start)
	switch {
	case failure != nil && (failure.Reason == jwo.ReasonInterrupted || i == 0 && failure.Reason.Unreachable()):
		r.stopAt(spec, *failure, elapsed, stopWords(*failure))
		return
	case failure != nil:
		c.Status, c.Observed = jwo.CaseFailed, "no answer: "+failure.Message
	case cut != nil && cut.Reason == jwo.ReasonInterrupted:
		r.stopAt(spec, *cut, elapsed, stopWords(*cut))
		return
	case cut != nil:
		c.Status, c.Observed = jwo.CaseFailed, cut.Message
	}
	c.LatencyMS = elapsed.Milliseconds()
	r.decide(c)
}

func stopWords(why Result) string {
	if why.Reason == jwo.ReasonInterrupted {
		return "not sent: the run was cancelled"
	}
	return "not sent: the first case could not reach the endpoint"
}

// stopAt fails the case with the reason the suite cannot go on, and skips
// the cases after it.
func (r *suiteRun) stopAt(spec jwo.CaseSpec, why Result, elapsed time.Duration, rest string) {
	c := CaseResult{Case: spec.Case()}
	c.Status, c.Observed, c.LatencyMS = jwo.CaseFailed, "no answer: "+why.Message, elapsed.Milliseconds()
	r.stop, r.stopWords = &why, rest
	r.decide(c)
}

func (r *suiteRun) result() SuiteResult {
	res := SuiteResult{Cases: r.cases}
	cases := make([]jwo.Case, len(r.cases))
	for i, c := range r.cases {
		cases[i] = c.Case
		if c.HTTPStatus != 0 {
			res.HTTPStatus, res.ResponseExcerpt = c.HTTPStatus, c.ResponseExcerpt
		}
	}
	for _, c := range r.cases {
		if c.Status == jwo.CaseFailed && c.HTTPStatus != 0 {
			res.HTTPStatus, res.ResponseExcerpt = c.HTTPStatus, c.ResponseExcerpt
			break
		}
	}
	if r.stop != nil {
		res.Status, res.Reason = jwo.TestUnsuccessful, r.stop.Reason
		res.Message = fmt.Sprintf("%s The suite stopped after %d of %d cases.", r.stop.Message, countSent(r.cases), len(r.cases))
		res.Detail = r.stop.Detail
		return res
	}
	res.Status, res.Reason, res.Message = jwo.SuiteOutcome(cases)
	return res
}

func countSent(cases []CaseResult) int {
	n := 0
	for _, c := range cases {
		if c.Status != jwo.CaseSkipped {
			n++
		}
	}
	return n
}
