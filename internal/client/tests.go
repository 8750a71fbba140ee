package client

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// Polling bounds of WaitTest: quick enough for a fast run, gentle on a slow one.
const (
	pollFirst = 100 * time.Millisecond
	pollMax   = 2 * time.Second
)

// NewIdempotencyKey returns a random key for StartTest. Use one key per
// intended run: a retry with the same key gets the same run back.
func NewIdempotencyKey() string {
	return rand.Text()
}

// StartTest starts a run; a non-empty idempotencyKey makes the POST safe to retry.
// The body is left out entirely when sku is empty.
func (c *Client) StartTest(ctx context.Context, storeID string, m jwo.Method, sku, idempotencyKey string) (jwo.ConnectivityTest, error) {
	var t jwo.ConnectivityTest
	p, err := connectorPath(storeID, m, "/tests")
	if err != nil {
		return t, err
	}
	r := request{method: http.MethodPost, path: p}
	if sku != "" {
		r.body = jwo.TestInput{SKU: sku}
	}
	if idempotencyKey != "" {
		r.header = http.Header{"Idempotency-Key": {idempotencyKey}}
	}
	_, err = c.do(ctx, r, &t)
	return t, err
}

func (c *Client) GetTest(ctx context.Context, testID string) (jwo.ConnectivityTest, error) {
	var t jwo.ConnectivityTest
	id, err := seg("test id", testID)
	if err != nil {
		return t, err
	}
	_, err = c.do(ctx, request{method: http.MethodGet, path: "/v1/tests/" + id}, &t)
	return t, err
}

// WaitTest polls GetTest with backoff (from 100ms, doubling, at most 2s)
// until the run leaves RUNNING or ctx ends. When ctx ends first it returns
// the last state it saw along with the context's error, so a caller can
// still record the run.
func (c *Client) WaitTest(ctx context.Context, testID string) (jwo.ConnectivityTest, error) {
	delay := pollFirst
	var last jwo.ConnectivityTest
	for {
		t, err := c.GetTest(ctx, testID)
		if err != nil {
			return last, err
		}
		last = t
		if t.Status != jwo.TestRunning {
			return t, nil
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
	var list jwo.TestList
	if _, err := c.do(ctx, r, &list); err != nil {
		return nil, err
	}
	return list.Tests, nil
}
