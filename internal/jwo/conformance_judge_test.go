package jwo

import (
	"strings"
	"testing"
)

func ans(status int, body string) CaseAnswer { return CaseAnswer{Status: status, Body: []byte(body)} }

// firstPurchase is the exchange the retry depends on: a first call that
// made purchase p-1.
var firstPurchase = &Exchange{Answer: ans(201, `{"purchaseId":"p-1"}`)}

type judgment struct {
	name     string
	answer   CaseAnswer
	dep      *Exchange
	passed   bool
	observed string // the whole observation
}

// judgments are, per case id, a passing answer and each way to fail it.
var judgments = map[string][]judgment{
	"identity.answer":                 identityJudgments,
	"identity.unknown_fields_ignored": identityJudgments,
	"identity.missing_key_refused": {
		{"refused", ans(400, `{"message":"missing identityKey"}`), nil, true, "400 Bad Request: the gate stays closed"},
		{"redirect is no gate", ans(300, ``), nil, true, "300 Multiple Choices: the gate stays closed"},
		{"informational is no gate", ans(199, ``), nil, true, "199: the gate stays closed"},
		{"200 denial", ans(200, `{"visitorDetails":{"id":""}}`), nil, true, "200 without a visitorDetails id: the gate stays closed"},
		{"200 not JSON", ans(200, `<html>`), nil, true, "200 without a visitorDetails id: the gate stays closed"},
		{"gate opens", ans(200, `{"visitorDetails":{"id":"v-1","type":"SHOPPER"}}`), nil, false, "200 with visitorDetails id v-1: the gate opens for a request without an identity key"},
		{"gate opens on 299", ans(299, `{"visitorDetails":{"id":"v-1"}}`), nil, false, "299 with visitorDetails id v-1: the gate opens for a request without an identity key"},
	},
	"identity.get_shopper": {
		{"answered", ans(200, `{"shopperId":"s-1"}`), nil, true, "200 with a JSON object"},
		{"unknown key refused", ans(400, `{}`), nil, true, "400 Bad Request: the unknown key is refused"},
		{"unknown key not found", ans(499, ``), nil, true, "499: the unknown key is refused"},
		{"server error", ans(500, `{}`), nil, false, "500 Internal Server Error (200 is expected)"},
		{"redirect", ans(399, `{}`), nil, false, "399 (200 is expected)"},
		{"not JSON", ans(200, `oops`), nil, false, `200 with a body that is not JSON ("oops")`},
	},
	"loyalty.scan":                   scanJudgments,
	"loyalty.unknown_fields_ignored": scanJudgments,
	"loyalty.scan_details": {
		{"answered", ans(200, `{"provider":"x"}`), nil, true, "200 with a JSON object"},
		{"not found", ans(404, `{}`), nil, false, "404 Not Found (200 is expected)"},
		{"not an object", ans(200, `"x"`), nil, false, `200 with a JSON body that is not an object ("\"x\"")`},
	},
	"ordering.purchase":               purchaseJudgments,
	"ordering.empty_cart":             purchaseJudgments,
	"ordering.unknown_fields_ignored": purchaseJudgments,
	"ordering.retry_is_idempotent": {
		{"same purchase", ans(201, `{"purchaseId":"p-1"}`), firstPurchase, true, "201 with purchaseId p-1, as the first call"},
		{"second purchase", ans(201, `{"purchaseId":"p-2"}`), firstPurchase, false, "201 with purchaseId p-2, the first call gave p-1: a retry made a second purchase"},
		{"no first purchase", ans(201, `{"purchaseId":"p-2"}`), nil, false, "201 with purchaseId p-2, the first call gave : a retry made a second purchase"},
		{"wrong status", ans(200, `{"purchaseId":"p-1"}`), firstPurchase, false, "200 OK (201 is expected)"},
		{"no purchaseId", ans(201, `{}`), firstPurchase, false, "201 without a purchaseId"},
		{"conflict", ans(409, `{"message":"duplicate trip"}`), firstPurchase, false, "409 Conflict (201 is expected)"},
	},
	"ordering.missing_field_refused":         refusedJudgments,
	"ordering.bad_request_id_refused":        refusedJudgments,
	"ordering.end_before_start_refused":      refusedJudgments,
	"ordering.duplicate_line_item_refused":   refusedJudgments,
	"ordering.empty_body_refused":            refusedJudgments,
	"fraud_and_abuse.authorization":          authorizationJudgments,
	"fraud_and_abuse.unknown_fields_ignored": authorizationJudgments,
	"fraud_and_abuse.missing_field_refused":  refusedJudgments,
}

var identityJudgments = []judgment{
	{"shopper", ans(200, `{"visitorDetails":{"id":"v-1","type":"SHOPPER"}}`), nil, true, "200 with visitorDetails SHOPPER v-1: the gate opens"},
	{"associate", ans(200, ` {"visitorDetails":{"id":"a-1","type":"ASSOCIATE"}} `), nil, true, "200 with visitorDetails ASSOCIATE a-1: the gate opens"},
	{"denial", ans(200, `{}`), nil, true, "200 without a visitorDetails id: the gate stays closed (a denial)"},
	{"denial with empty id", ans(200, `{"visitorDetails":{"id":"","type":"VISITOR"}}`), nil, true, "200 without a visitorDetails id: the gate stays closed (a denial)"},
	{"unknown type", ans(200, `{"visitorDetails":{"id":"v-1","type":"VISITOR"}}`), nil, false, `200 with visitorDetails id v-1 of type "VISITOR", which is neither SHOPPER nor ASSOCIATE`},
	{"no type", ans(200, `{"visitorDetails":{"id":"v-1"}}`), nil, false, `200 with visitorDetails id v-1 of type "", which is neither SHOPPER nor ASSOCIATE`},
	{"server error", ans(500, `{"message":"boom"}`), nil, false, "500 Internal Server Error (200 is expected)"},
	{"wrong status and body", ans(201, `<html>`), nil, false, `201 Created with a body that is not JSON ("<html>") (200 is expected)`},
	{"not JSON", ans(200, `<html><body>Bad Gateway</body></html>`), nil, false, `200 with a body that is not JSON ("<html><body>Bad Gateway</body></html>")`},
	{"empty body", ans(200, " \n"), nil, false, "200 with an empty body"},
	{"too large", CaseAnswer{Status: 200, Body: []byte(`{"a":`), TooLarge: true}, nil, false, "200 with a body larger than 1 MiB"},
	{"array", ans(200, `[]`), nil, false, `200 with a JSON body that is not an object ("[]")`},
	{"null", ans(200, `null`), nil, false, `200 with a JSON body that is not an object ("null")`},
	{"visitorDetails not an object", ans(200, `{"visitorDetails":"v-1"}`), nil, true, "200 without a visitorDetails id: the gate stays closed (a denial)"},
}

var scanJudgments = []judgment{
	{"resolved", ans(200, `{"resolution":"ACCEPTED","scanResult":{"id":"l-1","type":"LOYALTY"}}`), nil, true, "200 with resolution ACCEPTED"},
	{"no resolution", ans(200, `{}`), nil, false, "200 without a resolution"},
	{"empty resolution", ans(200, `{"resolution":""}`), nil, false, "200 without a resolution"},
	{"resolution not a string", ans(200, `{"resolution":1}`), nil, false, "200 without a resolution"},
	{"bad request", ans(400, `{}`), nil, false, "400 Bad Request (200 is expected)"},
	{"not JSON", ans(200, `ok`), nil, false, `200 with a body that is not JSON ("ok")`},
}

var purchaseJudgments = []judgment{
	{"purchased", ans(201, `{"purchaseId":"p-1"}`), nil, true, "201 with purchaseId p-1"},
	{"200 instead of 201", ans(200, `{"purchaseId":"p-1"}`), nil, false, "200 OK (201 is expected)"},
	{"no purchaseId", ans(201, `{}`), nil, false, "201 without a purchaseId"},
	{"purchaseId not a string", ans(201, `{"purchaseId":7}`), nil, false, "201 without a purchaseId"},
	{"refused", ans(400, `{"message":"bad"}`), nil, false, "400 Bad Request (201 is expected)"},
	{"not JSON", ans(201, `created`), nil, false, `201 with a body that is not JSON ("created")`},
}

var refusedJudgments = []judgment{
	{"refused", ans(400, `{"message":"bad request"}`), nil, true, "400 Bad Request"},
	{"refused without body", ans(400, ``), nil, true, "400 Bad Request"},
	{"purchase made", ans(201, `{"purchaseId":"p-3"}`), nil, false, "201 with purchaseId p-3: the request was accepted"},
	{"accepted", ans(200, `{}`), nil, false, "200 OK: the request was accepted"},
	{"accepted 299", ans(299, `{}`), nil, false, "299: the request was accepted"},
	{"unprocessable", ans(422, `{}`), nil, false, "422 Unprocessable Entity (400 is expected)"},
	{"server error", ans(500, `{}`), nil, false, "500 Internal Server Error (400 is expected)"},
	{"redirect", ans(300, `{"purchaseId":"p-3"}`), nil, false, "300 Multiple Choices (400 is expected)"},
	{"informational", ans(199, `{"purchaseId":"p-3"}`), nil, false, "199 (400 is expected)"},
}

var authorizationJudgments = []judgment{
	{"authorized", ans(200, `{"shopperAuthorized":true,"authorizationConditions":[],"shopperRisks":[]}`), nil, true, "200 with shopperAuthorized true"},
	{"denied", ans(200, `{"shopperAuthorized":false}`), nil, true, "200 with shopperAuthorized false"},
	{"no decision", ans(200, `{"authorizationConditions":[]}`), nil, false, "200 without a boolean shopperAuthorized"},
	{"decision not a boolean", ans(200, `{"shopperAuthorized":"true"}`), nil, false, "200 without a boolean shopperAuthorized"},
	{"server error", ans(503, `{}`), nil, false, "503 Service Unavailable (200 is expected)"},
	{"not JSON", ans(200, `yes`), nil, false, `200 with a body that is not JSON ("yes")`},
}

func TestCaseJudgments(t *testing.T) {
	t.Parallel()
	for _, id := range CaseIDs() {
		spec, err := FindCase(id)
		if err != nil {
			t.Fatal(err)
		}
		table, ok := judgments[id]
		if !ok {
			t.Errorf("%s has no table of judgments", id)
			continue
		}
		var passes, fails int
		for _, j := range table {
			v := spec.Judge(j.answer, j.dep)
			if v.Passed != j.passed || v.Observed != j.observed {
				t.Errorf("%s, %s: Judge = (%t, %q), want (%t, %q)", id, j.name, v.Passed, v.Observed, j.passed, j.observed)
			}
			if j.passed {
				passes++
			} else {
				fails++
			}
		}
		if passes == 0 || fails == 0 {
			t.Errorf("%s: the table needs a passing answer and a failing one (%d, %d)", id, passes, fails)
		}
	}
	for id := range judgments {
		if _, err := FindCase(id); err != nil {
			t.Errorf("judgments of unknown case %s", id)
		}
	}
}

func TestObservationQuotesTheStartOfALongBody(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("é", observedExcerpt) + "TAIL\xff"
	v := judgeObject200(ans(200, body), nil)
	want := `200 with a body that is not JSON ("` + strings.Repeat("é", observedExcerpt) + `…")`
	if v.Observed != want {
		t.Errorf("observed = %q, want %q", v.Observed, want)
	}
	short := judgeObject200(ans(200, strings.Repeat("x", observedExcerpt)), nil)
	if want := `200 with a body that is not JSON ("` + strings.Repeat("x", observedExcerpt) + `")`; short.Observed != want {
		t.Errorf("observed = %q, want %q", short.Observed, want)
	}
	invalid := judgeObject200(ans(200, "a\xffb"), nil)
	if want := "200 with a body that is not JSON (\"a\ufffdb\")"; invalid.Observed != want {
		t.Errorf("observed = %q, want %q", invalid.Observed, want)
	}
}
