package jwo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// The judgments of the conformance cases. Each says what it observed in words
// a person reads next to the case's Expected, whether it passed or not.

// observedExcerpt bounds the part of a body quoted in an observation.
const observedExcerpt = 60

// statusWords is "503 Service Unavailable", or the bare code when HTTP has
// no name for it.
func statusWords(code int) string {
	if text := http.StatusText(code); text != "" {
		return fmt.Sprintf("%d %s", code, text)
	}
	return fmt.Sprint(code)
}

// object reads an answer's body as a JSON object; when it is not one, the
// string says what the body was instead.
func object(a CaseAnswer) (map[string]any, string) {
	trimmed := bytes.TrimSpace(a.Body)
	switch {
	case a.TooLarge:
		return nil, "a body larger than 1 MiB"
	case len(trimmed) == 0:
		return nil, "an empty body"
	case !json.Valid(trimmed):
		return nil, fmt.Sprintf("a body that is not JSON (%s)", quoteStart(trimmed))
	}
	var obj map[string]any
	if json.Unmarshal(trimmed, &obj) != nil || obj == nil {
		return nil, fmt.Sprintf("a JSON body that is not an object (%s)", quoteStart(trimmed))
	}
	return obj, ""
}

// quoteStart is the start of a body, cut on a character boundary.
func quoteStart(b []byte) string {
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	if utf8.RuneCountInString(s) > observedExcerpt {
		s = string([]rune(s)[:observedExcerpt]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

// answerObject checks the status and reads the body as an object; a non-empty
// string is the observation of an answer that fails either.
func answerObject(a CaseAnswer, want int) (map[string]any, string) {
	obj, problem := object(a)
	switch {
	case a.Status != want && problem != "":
		return nil, fmt.Sprintf("%s with %s (%d is expected)", statusWords(a.Status), problem, want)
	case a.Status != want:
		return nil, fmt.Sprintf("%s (%d is expected)", statusWords(a.Status), want)
	case problem != "":
		return nil, fmt.Sprintf("%d with %s", a.Status, problem)
	}
	return obj, ""
}

// text is the string at a path of nested objects; "" where there is none.
func text(obj map[string]any, path ...string) string {
	var v any = obj
	for _, key := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[key]
	}
	s, _ := v.(string)
	return s
}

// judgeIdentity: 200 with an object; a visitorDetails with an id opens the
// gate and must name a documented visitor type, none keeps it closed.
func judgeIdentity(a CaseAnswer, _ *Exchange) Verdict {
	obj, problem := answerObject(a, http.StatusOK)
	if problem != "" {
		return Verdict{Observed: problem}
	}
	id := text(obj, "visitorDetails", "id")
	if id == "" {
		return Verdict{Passed: true, Observed: "200 without a visitorDetails id: the gate stays closed (a denial)"}
	}
	typ := text(obj, "visitorDetails", "type")
	if typ != "SHOPPER" && typ != "ASSOCIATE" {
		return Verdict{Observed: fmt.Sprintf("200 with visitorDetails id %s of type %q, which is neither SHOPPER nor ASSOCIATE", id, typ)}
	}
	return Verdict{Passed: true, Observed: fmt.Sprintf("200 with visitorDetails %s %s: the gate opens", typ, id)}
}

// judgeKeyRefused: whatever the answer, the gate must not open.
func judgeKeyRefused(a CaseAnswer, _ *Exchange) Verdict {
	if a.Status < 200 || a.Status > 299 {
		return Verdict{Passed: true, Observed: statusWords(a.Status) + ": the gate stays closed"}
	}
	obj, _ := object(a)
	if id := text(obj, "visitorDetails", "id"); id != "" {
		return Verdict{Observed: fmt.Sprintf("%d with visitorDetails id %s: the gate opens for a request without an identity key", a.Status, id)}
	}
	return Verdict{Passed: true, Observed: fmt.Sprintf("%d without a visitorDetails id: the gate stays closed", a.Status)}
}

// judgeScan: 200 with a resolution.
func judgeScan(a CaseAnswer, _ *Exchange) Verdict {
	obj, problem := answerObject(a, http.StatusOK)
	if problem != "" {
		return Verdict{Observed: problem}
	}
	resolution := text(obj, "resolution")
	if resolution == "" {
		return Verdict{Observed: "200 without a resolution"}
	}
	return Verdict{Passed: true, Observed: "200 with resolution " + resolution}
}

// judgeObject200: 200 with a JSON object, whatever it holds.
func judgeObject200(a CaseAnswer, _ *Exchange) Verdict {
	if _, problem := answerObject(a, http.StatusOK); problem != "" {
		return Verdict{Observed: problem}
	}
	return Verdict{Passed: true, Observed: "200 with a JSON object"}
}

// judgeLookup: a lookup of a key the connector cannot know may be answered
// or refused, but not with a server error or a body that is not JSON.
func judgeLookup(a CaseAnswer, dep *Exchange) Verdict {
	if a.Status >= 400 && a.Status <= 499 {
		return Verdict{Passed: true, Observed: statusWords(a.Status) + ": the unknown key is refused"}
	}
	return judgeObject200(a, dep)
}

// judgePurchase: 201 with a purchaseId.
func judgePurchase(a CaseAnswer, _ *Exchange) Verdict {
	obj, problem := answerObject(a, http.StatusCreated)
	if problem != "" {
		return Verdict{Observed: problem}
	}
	id := text(obj, "purchaseId")
	if id == "" {
		return Verdict{Observed: "201 without a purchaseId"}
	}
	return Verdict{Passed: true, Observed: "201 with purchaseId " + id}
}

// judgeRetry: the retry of a trip answers the purchase the first call made.
func judgeRetry(a CaseAnswer, dep *Exchange) Verdict {
	v := judgePurchase(a, nil)
	if !v.Passed {
		return v
	}
	first := purchaseID(dep)
	obj, _ := object(a)
	id := text(obj, "purchaseId")
	if id != first {
		return Verdict{Observed: fmt.Sprintf("201 with purchaseId %s, the first call gave %s: a retry made a second purchase", id, first)}
	}
	return Verdict{Passed: true, Observed: fmt.Sprintf("201 with purchaseId %s, as the first call", id)}
}

// purchaseID is the purchaseId of an exchange's answer, "" when it has none.
func purchaseID(e *Exchange) string {
	if e == nil {
		return ""
	}
	obj, _ := object(e.Answer)
	id := text(obj, "purchaseId")
	return id
}

// judgeRefused: a request the documentation calls bad gets 400.
func judgeRefused(a CaseAnswer, _ *Exchange) Verdict {
	if a.Status == http.StatusBadRequest {
		return Verdict{Passed: true, Observed: "400 Bad Request"}
	}
	if a.Status >= 200 && a.Status <= 299 {
		obj, _ := object(a)
		if id := text(obj, "purchaseId"); id != "" {
			return Verdict{Observed: fmt.Sprintf("%d with purchaseId %s: the request was accepted", a.Status, id)}
		}
		return Verdict{Observed: fmt.Sprintf("%s: the request was accepted", statusWords(a.Status))}
	}
	return Verdict{Observed: fmt.Sprintf("%s (400 is expected)", statusWords(a.Status))}
}

// judgeAuthorization: 200 with a boolean shopperAuthorized.
func judgeAuthorization(a CaseAnswer, _ *Exchange) Verdict {
	obj, problem := answerObject(a, http.StatusOK)
	if problem != "" {
		return Verdict{Observed: problem}
	}
	authorized, ok := obj["shopperAuthorized"].(bool)
	if !ok {
		return Verdict{Observed: "200 without a boolean shopperAuthorized"}
	}
	return Verdict{Passed: true, Observed: fmt.Sprintf("200 with shopperAuthorized %t", authorized)}
}
