package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/go-retryablehttp"
)

// Size limits of what the client reads. Pages are capped by the portal, so a
// larger answer is a broken or hostile server, not data to buffer.
const (
	maxAnswerBytes = 32 << 20
	maxDrainBytes  = 64 << 10 // read before close so the connection is reused
)

// request is one API call before it is sent.
type request struct {
	method string
	path   string // escaped API path, e.g. /v1/stores/s%2F1
	query  url.Values
	body   any         // sent as JSON when not nil
	form   url.Values  // sent as application/x-www-form-urlencoded when not nil
	header http.Header // conditional and idempotency headers
	// answerHeader, when set, receives the headers of the final answer.
	answerHeader *http.Header
	// oauth marks the token endpoint's call: it carries no Authorization
	// (the body holds the credential), may be repeated (see
	// ExchangeToken), and its refusals are RFC 6749's, not problems.
	oauth bool
	// secret is scrubbed, besides the bearer token, from what the portal
	// answers: the JWT in an exchange's body.
	secret string
}

// do sends r, with retries when r is safe to repeat, and decodes a 2xx
// answer into out: a *[]byte receives the raw body, nil discards it, anything
// else is JSON-decoded. It returns the final status code.
func (c *Client) do(ctx context.Context, r request, out any) (int, error) {
	target := c.base + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}

	// A nil interface (not a nil []byte) tells retryablehttp there is no
	// body, so a GET goes out without Content-Length or chunked encoding.
	var raw any
	contentType := ""
	switch {
	case r.form != nil:
		raw, contentType = []byte(r.form.Encode()), "application/x-www-form-urlencoded"
	case r.body != nil:
		b, err := json.Marshal(r.body)
		if err != nil {
			return 0, fmt.Errorf("%s %s: encode request: %w", r.method, r.path, err)
		}
		raw, contentType = b, "application/json"
	}
	// The token first: an exchange that fails is the call's error, and
	// nothing is sent.
	bearer := ""
	if !r.oauth {
		tok, err := c.accessToken()
		if err != nil {
			return 0, fmt.Errorf("%s %s: %w", r.method, r.path, err)
		}
		bearer = tok
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, target, raw)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", r.method, r.path, err)
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json, application/problem+json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}

	call := c.newCall(r.method, r.path, r.oauth || repeatable(req.Request))
	resp, err := call.retrier().Do(req) //nolint:bodyclose // closed below by the deferred drainClose
	if err != nil {
		return 0, call.transportError(err)
	}
	defer drainClose(resp.Body)
	if r.answerHeader != nil {
		*r.answerHeader = resp.Header
	}

	secrets := []string{bearer, r.secret}
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		return resp.StatusCode, c.redirectError(r, resp, call.attempt, secrets)
	}
	if r.oauth && resp.StatusCode >= 400 && resp.StatusCode <= 499 {
		if oe := oauthError(resp, call.attempt, secrets); oe != nil {
			return resp.StatusCode, oe
		}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := c.apiError(r, resp, call.attempt, secrets)
		e.Unanswered = call.unanswered
		return resp.StatusCode, e
	}
	if err := decodeAnswer(resp.Body, out); err != nil {
		return resp.StatusCode, fmt.Errorf("%s %s: read answer: %w", r.method, r.path, err)
	}
	return resp.StatusCode, nil
}

func decodeAnswer(body io.Reader, out any) error {
	limited := io.LimitReader(body, maxAnswerBytes+1)
	switch out := out.(type) {
	case nil:
		return nil
	case *[]byte:
		b, err := io.ReadAll(limited)
		if err != nil {
			return err
		}
		if len(b) > maxAnswerBytes {
			return fmt.Errorf("answer is larger than %d bytes", maxAnswerBytes)
		}
		*out = b
		return nil
	default:
		// Unknown fields are ignored on purpose: a newer portal may add
		// fields, and an older client must keep working.
		if err := json.NewDecoder(limited).Decode(out); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("answer is cut off or larger than %d bytes: %w", maxAnswerBytes, err)
			}
			return err
		}
		return nil
	}
}

func drainClose(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, maxDrainBytes))
	_ = body.Close()
}

// seg escapes one path segment and refuses an empty one, because an empty
// id would silently turn "/v1/stores/{id}" into the list call.
func seg(what, v string) (string, error) {
	if strings.TrimSpace(v) == "" {
		return "", fmt.Errorf("client: %s is empty", what)
	}
	return url.PathEscape(v), nil
}

// storePath builds /v1/stores/{storeID}[/rest...], escaping the id.
func storePath(storeID string, rest ...string) (string, error) {
	id, err := seg("store id", storeID)
	if err != nil {
		return "", err
	}
	return "/v1/stores/" + id + strings.Join(rest, ""), nil
}
