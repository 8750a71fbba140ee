package client

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// Polling bounds of WaitTest against a portal that does not hold answers:
// quick enough for a fast run, gentle on a slow one.
const (
	pollFirst = 100 * time.Millisecond
	pollMax   = 2 * time.Second
	// maxLongPoll is the longest wait WaitTest asks the portal for.
	maxLongPoll = 10 * time.Second
)

// NewIdempotencyKey returns a random key for StartTest. Use one key per
// intended run: a retry with the same key gets the same run back.
func NewIdempotencyKey() string {
	return rand.Text()
}

// StartTest starts a CONNECTIVITY run; see StartRun.
func (c *Client) StartTest(ctx context.Context, storeID string, m jwo.Method, sku, idempotencyKey string) (jwo.ConnectivityTest, error) {
	return c.StartRun(ctx, storeID, m, jwo.TestInput{SKU: sku}, idempotencyKey)
}

// StartRun starts a run of the suite in.Suite (CONNECTIVITY when empty); a
// non-empty idempotencyKey makes the POST safe to retry. The body is left
// out entirely when in is empty.
func (c *Client) StartRun(ctx context.Context, storeID string, m jwo.Method, in jwo.TestInput, idempotencyKey string) (jwo.ConnectivityTest, error) {
	var t jwo.ConnectivityTest
	p, err := connectorPath(storeID, m, "/tests")
	if err != nil {
		return t, err
	}
	r := request{method: http.MethodPost, path: p}
	if in != (jwo.TestInput{}) {
		r.body = in
	}
	if idempotencyKey != "" {
		r.header = http.Header{"Idempotency-Key": {idempotencyKey}}
	}
	_, err = c.do(ctx, r, &t)
	return t, err
}

func (c *Client) GetTest(ctx context.Context, testID string) (jwo.ConnectivityTest, error) {
	t, _, err := c.getTest(ctx, testID, 0)
	return t, err
}

// getTest asks the portal to hold the answer of a RUNNING run up to wait
// (RFC 7240 "Prefer: wait"); waited says the portal did, so the answer is as
// fresh as the run's outcome. A portal that ignores the preference answers
// at once and waited is false.
func (c *Client) getTest(ctx context.Context, testID string, wait time.Duration) (t jwo.ConnectivityTest, waited bool, err error) {
	id, err := seg("test id", testID)
	if err != nil {
		return t, false, err
	}
	r := request{method: http.MethodGet, path: "/v1/tests/" + id}
	var answer http.Header
	if secs := int(wait / time.Second); secs > 0 {
		r.header = http.Header{"Prefer": {"wait=" + strconv.Itoa(secs)}}
		r.answerHeader = &answer
	}
	_, err = c.do(ctx, r, &t)
	return t, err == nil && strings.HasPrefix(answer.Get("Preference-Applied"), "wait="), err
}

// longPoll is how long one GET of WaitTest asks the portal to hold a
// RUNNING run: well inside the per-attempt timeout, so that a held answer
// is never mistaken for a dead connection.
func (c *Client) longPoll() time.Duration {
	return min(maxLongPoll, c.http.Timeout/2)
}

// WaitTest reads the run until it leaves RUNNING or ctx ends. Each read asks
// the portal to answer when the run finishes (Prefer: wait, a long poll); a
// portal that does not hold answers is polled with backoff instead (from
// 100ms, doubling, at most 2s). When ctx ends first it returns the last
// state it saw along with the context's error, so a caller can still record
// the run.
func (c *Client) WaitTest(ctx context.Context, testID string) (jwo.ConnectivityTest, error) {
	delay := pollFirst
	var last jwo.ConnectivityTest
	for {
		t, waited, err := c.getTest(ctx, testID, c.longPoll())
		if err != nil {
			return last, err
		}
		last = t
		if t.Status != jwo.TestRunning {
			return t, nil
		}
		if waited {
			// The portal held the answer for the whole wait: ask again at once.
			if err := ctx.Err(); err != nil {
				return t, fmt.Errorf("wait for test %s: still %s: %w", testID, t.Status, err)
			}
			continue
		}
		select {
		case <-ctx.Done():
			return t, fmt.Errorf("wait for test %s: still %s: %w", testID, t.Status, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(delay*2, pollMax)
	}
}

// ListTests returns a connector's runs, newest first; limit <= 0 leaves the
// page size to the portal.
func (c *Client) ListTests(ctx context.Context, storeID string, m jwo.Method, limit int) ([]jwo.ConnectivityTest, error) {
	p, err := connectorPath(storeID, m, "/tests")
	if err != nil {
		return nil, err
	}
	r := request{method: http.MethodGet, path: p}
	if limit > 0 {
		r.query = url.Values{"limit": {strconv.Itoa(limit)}}
	}
	return c.testList(ctx, r)
}

// testList makes a call that answers {"tests": [...]}.
func (c *Client) testList(ctx context.Context, r request) ([]jwo.ConnectivityTest, error) {
	var list jwo.TestList
	if _, err := c.do(ctx, r, &list); err != nil {
		return nil, err
	}
	return list.Tests, nil
}
