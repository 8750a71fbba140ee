package jwo

import (
	"fmt"
	"slices"
	"strings"
)

// The CONFORMANCE suite: per method, the documented behaviour a retailer's
// connector must show, as cases that each send one request and judge its
// answer. Everything here is pure: the tester sends the requests, and the
// words of Expected and Verdict.Observed are what a person reads in a run.

// Case is one case of a CONFORMANCE run as the API shows it.
type Case struct {
	ID         string     `json:"id"`
	Title      string     `json:"title"`
	Required   bool       `json:"required"`
	Status     CaseStatus `json:"status"`
	Expected   string     `json:"expected"`
	Observed   string     `json:"observed"`
	HTTPStatus int        `json:"http_status"`
	LatencyMS  int64      `json:"latency_ms"`
}

// CaseInput is what every request of a suite is built from; the caller makes
// fresh IDs for each case so that building stays pure.
type CaseInput struct {
	StoreID string
	SKU     string // ORDERING only: an item of the store's catalog
	IDs     SyntheticIDs
}

// CaseRequest is one request a case sends: a JSON POST to Path, appended to
// the connector's endpoint URL.
type CaseRequest struct {
	Path string
	Body []byte
}

// CaseAnswer is what a connector answered, the body capped by the caller.
type CaseAnswer struct {
	Status   int
	Body     []byte
	TooLarge bool // the body went past the cap; Body holds its start
}

// Exchange is a case that was sent and answered, handed to the case that
// depends on it.
type Exchange struct {
	Request CaseRequest
	Answer  CaseAnswer
}

// Verdict is the judgment of one answer.
type Verdict struct {
	Passed   bool
	Observed string
}

// CaseSpec is one documented case: what it sends and how it judges.
type CaseSpec struct {
	ID       string
	Title    string
	Required bool
	Method   Method
	// Source is where the case comes from: "[D] page" when the product's
	// developer documentation states it, "[I] reason" when it is this
	// project's reading of it.
	Source   string
	Expected string
	// DependsOn names the earlier case whose exchange this one needs (the
	// retry resends the first purchase); "" for none.
	DependsOn string

	build func(in CaseInput, dep *Exchange) (CaseRequest, error)
	judge func(a CaseAnswer, dep *Exchange) Verdict
}

// Build is the request of the case; an error means it cannot be sent (what
// it depends on gave nothing to work with) and the case is SKIPPED with the
// error's words.
func (c CaseSpec) Build(in CaseInput, dep *Exchange) (CaseRequest, error) {
	return c.build(in, dep)
}

// Judge decides on an answer; dep is the exchange of DependsOn, if any.
func (c CaseSpec) Judge(a CaseAnswer, dep *Exchange) Verdict { return c.judge(a, dep) }

// Case is the case as the API shows it, before it has a status.
func (c CaseSpec) Case() Case {
	return Case{ID: c.ID, Title: c.Title, Required: c.Required, Expected: c.Expected}
}

// ConformanceCases lists the cases of method m in the order they run; a case
// comes after the case it depends on.
func ConformanceCases(m Method) []CaseSpec {
	var out []CaseSpec
	for _, c := range conformanceCases {
		if c.Method == m {
			out = append(out, c)
		}
	}
	return out
}

// CaseIDs lists every case id of every method, in order.
func CaseIDs() []string {
	ids := make([]string, len(conformanceCases))
	for i, c := range conformanceCases {
		ids[i] = c.ID
	}
	return ids
}

// FindCase looks a case up by id.
func FindCase(id string) (CaseSpec, error) {
	i := slices.IndexFunc(conformanceCases, func(c CaseSpec) bool { return c.ID == id })
	if i < 0 {
		return CaseSpec{}, fmt.Errorf("unknown case %q: use one of %s", id, strings.Join(CaseIDs(), ", "))
	}
	return conformanceCases[i], nil
}

// SuiteOutcome is the verdict of a CONFORMANCE run whose every case reached
// the connector (or was skipped): SUCCESSFUL when every required case PASSED,
// else UNSUCCESSFUL with reason conformance and a message naming the cases.
func SuiteOutcome(cases []Case) (TestStatus, FailureReason, string) {
	var notPassed, optionalFailed []string
	passed := 0
	for _, c := range cases {
		switch {
		case c.Status == CasePassed:
			passed++
		case c.Required:
			notPassed = append(notPassed, fmt.Sprintf("%s (%s)", c.ID, c.Status))
		case c.Status == CaseFailed:
			optionalFailed = append(optionalFailed, c.ID)
		}
	}
	tally := fmt.Sprintf("%d of %d cases passed", passed, len(cases))
	also := ""
	if len(optionalFailed) > 0 {
		also = "; not required but failed: " + strings.Join(optionalFailed, ", ")
	}
	if len(notPassed) > 0 {
		return TestUnsuccessful, ReasonConformance,
			fmt.Sprintf("Required cases did not pass: %s (%s%s).", strings.Join(notPassed, ", "), tally, also)
	}
	return TestSuccessful, ReasonNone, fmt.Sprintf("Every required case passed (%s%s).", tally, also)
}
