package console

import (
	"slices"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// reasonLabel is a run's failure reason in words, for View Details and its
// history (the API's codes are for programs).
func reasonLabel(r jwo.FailureReason) string {
	switch r {
	case jwo.ReasonNone:
		return ""
	case jwo.ReasonDNS:
		return "Could not resolve the host name"
	case jwo.ReasonConnect:
		return "Could not connect"
	case jwo.ReasonTLS:
		return "TLS handshake failed"
	case jwo.ReasonTimeout:
		return "No answer in time"
	case jwo.ReasonHTTPStatus:
		return "Answered with an error status"
	case jwo.ReasonInvalidBody:
		return "Answered without a valid JSON body"
	case jwo.ReasonInterrupted:
		return "Interrupted: the portal stopped during the run"
	case jwo.ReasonConformance:
		return "A required conformance case did not pass"
	}
	return string(r)
}

func suiteLabel(s jwo.Suite) string {
	if s == jwo.SuiteConformance {
		return "Conformance"
	}
	return "Connectivity"
}

func caseStatusLabel(s jwo.CaseStatus) string {
	switch s {
	case jwo.CasePassed:
		return "Passed"
	case jwo.CaseFailed:
		return "Failed"
	case jwo.CaseSkipped:
		return "Skipped"
	}
	return string(s)
}

// casesFailedFirst orders a run's cases for reading: failed, then skipped,
// then passed, each in the suite's order.
func casesFailedFirst(cases []jwo.Case) []jwo.Case {
	rank := func(s jwo.CaseStatus) int {
		switch s {
		case jwo.CaseFailed:
			return 0
		case jwo.CaseSkipped:
			return 1
		}
		return 2
	}
	out := slices.Clone(cases)
	slices.SortStableFunc(out, func(a, b jwo.Case) int { return rank(a.Status) - rank(b.Status) })
	return out
}

// suiteChoice is what Run Test offers: the connectivity test, and the
// conformance suite with what it sends said before it starts.
type suiteChoice struct {
	Cases    []jwo.CaseSpec
	Requests int
}

func conformanceOf(m jwo.Method) suiteChoice {
	cases := jwo.ConformanceCases(m)
	return suiteChoice{Cases: cases, Requests: len(cases)}
}
