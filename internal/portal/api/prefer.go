package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxPreferWait bounds a long poll well inside the server's WriteTimeout
// (30s) and a client's usual per-request timeout.
const maxPreferWait = 20 * time.Second

// preferredWait reads the wait preference of RFC 7240 ("Prefer: wait=10",
// in seconds), capped at maxPreferWait; 0 when there is none or it is not a
// positive number. GET /v1/tests/{id} holds a RUNNING run's answer up to
// that long, so that a client learns the outcome when it is recorded
// instead of polling on a guess.
func preferredWait(r *http.Request) time.Duration {
	for _, v := range r.Header.Values("Prefer") {
		for pref := range strings.SplitSeq(v, ",") {
			pref, _, _ = strings.Cut(pref, ";") // parameters of a preference mean nothing here
			name, val, _ := strings.Cut(strings.TrimSpace(pref), "=")
			if !strings.EqualFold(strings.TrimSpace(name), "wait") {
				continue
			}
			n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(val), `"`))
			if err != nil || n <= 0 {
				return 0
			}
			return min(time.Duration(n)*time.Second, maxPreferWait)
		}
	}
	return 0
}
