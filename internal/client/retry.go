package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// maxRetryAfter caps how long one Retry-After may make a call wait (or
// RetryWaitMax, when that is larger). A server asking for more ends the
// retries at once and the caller gets its 429/503: a terraform apply that
// hangs for minutes without a word is worse than a clear "rate limited" error.
const maxRetryAfter = 30 * time.Second

// call is the state of one API call across its attempts. retryablehttp drives
// the loop; call supplies its policy, so a fresh retryablehttp.Client is cheap
// to build per call while the http.Client (and its connections) is shared.
type call struct {
	c          *Client
	method     string
	path       string
	repeatable bool

	attempt int       // 1-based number of the attempt in flight or last made
	start   time.Time // when the attempt in flight started
	url     string    // redacted, for the logger
	header  http.Header
	wait    time.Duration // chosen by checkRetry, handed out by backoff

	retries   int           // retries spent on failures, bounded by maxRetries
	throttled time.Duration // waits spent on throttling, bounded by Config.MaxThrottledWait

	// unanswered counts the attempts that may have reached the portal's
	// handler without their answer reaching us: a broken connection, a
	// timeout, or a gateway's 502/504.
	unanswered int
}

func (c *Client) newCall(method, path string, repeatable bool) *call {
	return &call{c: c, method: method, path: path, repeatable: repeatable}
}

func (cl *call) retrier() *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:     cl.c.http,
		Logger:         nil, // the library's default logger would print to stderr
		RetryWaitMin:   cl.c.retryWaitMin,
		RetryWaitMax:   cl.c.retryWaitMax,
		RetryMax:       math.MaxInt32, // checkRetry decides, with two budgets
		RequestLogHook: cl.beforeAttempt,
		CheckRetry:     cl.checkRetry,
		Backoff:        cl.backoff,
		ErrorHandler:   cl.giveUp,
	}
}

// repeatable says whether sending req twice cannot apply it twice: reads, and
// writes that the server can recognise as already done (a precondition that
// fails the second time, or an idempotency key). PATCH never is.
func repeatable(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead:
		return true
	case http.MethodPut, http.MethodDelete:
		return req.Header.Get("If-Match") != "" || req.Header.Get("If-None-Match") != ""
	case http.MethodPost:
		return req.Header.Get("Idempotency-Key") != ""
	}
	return false
}

func (cl *call) beforeAttempt(_ retryablehttp.Logger, req *http.Request, retry int) {
	cl.attempt = retry + 1
	cl.start = time.Now()
	if cl.header == nil && cl.c.logger != nil {
		cl.url = req.URL.Redacted()
		cl.header = redactHeader(req.Header)
	}
}

// checkRetry is called once after every attempt: it logs the attempt and
// decides whether another one follows. It never returns an error, so that
// retryablehttp hands back the last answer (or transport error) unchanged.
//
// The policy: a 429, or a 503 with Retry-After, is the portal (or a proxy in
// front of it) refusing the request before doing anything, so it is retried
// whatever the method. A broken connection, a timeout or a gateway's
// 502/503/504 leaves unknown whether the request was applied (a proxy answers
// a bare 503 when its upstream reset the connection), so only a repeatable
// request is retried then.
// Failures use up MaxRetries; throttling (a 429, or a 503 with Retry-After)
// uses up MaxThrottledWait instead, since waiting is all it asks for.
func (cl *call) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	cl.log(ctx, resp, err)
	if outcomeUnknown(resp, err) {
		cl.unanswered++
	}

	// A done context stops the retries but is no error of checkRetry: this
	// attempt's answer or transport error goes back to the caller as it is.
	if stop := cl.c.maxRetries == 0 || ctx.Err() != nil; stop {
		return false, nil
	}
	if err == nil && throttling(resp) {
		wait, ok := cl.c.throttleWait(resp, cl.attempt)
		if !ok || cl.throttled+wait > cl.c.maxThrottledWait {
			return false, nil
		}
		cl.wait = wait
	} else {
		if cl.retries >= cl.c.maxRetries {
			return false, nil
		}
		if !cl.repeatable || !outcomeUnknown(resp, err) || (err != nil && !transient(err)) {
			return false, nil
		}
		cl.wait = cl.c.jitteredBackoff(cl.retries + 1)
	}
	// Waiting past the caller's deadline would only trade the server's
	// answer for a bare "context deadline exceeded".
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < cl.wait {
		return false, nil
	}
	if err == nil && throttling(resp) {
		cl.throttled += cl.wait
	} else {
		cl.retries++
	}
	return true, nil
}

// outcomeUnknown says whether the request may have been applied although no
// answer of the portal's says so: a transport error, or a gateway's 502, a
// bare 503 or a 504.
func outcomeUnknown(resp *http.Response, err error) bool {
	if err != nil {
		return true
	}
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	case http.StatusServiceUnavailable:
		return !throttling(resp)
	}
	return false
}

// throttling says whether an answer is the server pacing its clients: a 429,
// or a 503 that says when to come back. Neither did anything, whatever the
// method.
func throttling(resp *http.Response) bool {
	if resp.StatusCode == http.StatusTooManyRequests {
		return true
	}
	_, ok := retryAfter(resp)
	return resp.StatusCode == http.StatusServiceUnavailable && ok
}

// throttleWait is how long to wait after a throttling answer: its
// Retry-After, or our backoff when it gives none. A random quarter on top
// spreads the clients that were refused together, so that they do not all
// come back in the same instant and meet the same limit again. ok is false
// when the server asks for longer than we are willing to wait at once.
func (c *Client) throttleWait(resp *http.Response, attempt int) (time.Duration, bool) {
	ra, ok := retryAfter(resp)
	if !ok {
		return c.jitteredBackoff(attempt), true
	}
	if ra > max(maxRetryAfter, c.retryWaitMax) {
		return 0, false
	}
	// The server's word wins, but never below our minimum, so that
	// "Retry-After: 0" does not turn into a tight loop.
	wait := max(ra, c.retryWaitMin)
	return wait + rand.N(wait/4+1), true
}

func (cl *call) backoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
	return cl.wait
}

// giveUp runs when retries are exhausted or the transport failed for good. It
// passes the last answer through, so the caller turns it into an *APIError
// that IsXxx understands, instead of retryablehttp's "giving up" string.
func (cl *call) giveUp(resp *http.Response, err error, _ int) (*http.Response, error) {
	if err != nil {
		if resp != nil {
			drainClose(resp.Body)
		}
		return nil, err
	}
	return resp, nil
}

func (cl *call) log(ctx context.Context, resp *http.Response, err error) {
	if cl.c.logger == nil {
		return
	}
	rec := RequestLog{
		Method:   cl.method,
		URL:      cl.url,
		Attempt:  cl.attempt,
		Duration: time.Since(cl.start),
		Header:   cl.header.Clone(), // each record owns its map
		Err:      err,
	}
	if resp != nil {
		rec.Status = resp.StatusCode
	}
	cl.c.logger(ctx, rec)
}

// transportError names the call and how often it was tried. A *url.Error is
// unwrapped because its text repeats the method and the full URL.
func (cl *call) transportError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if cl.attempt > 1 {
		return fmt.Errorf("%s %s: %w (after %d attempts)", cl.method, cl.path, err, cl.attempt)
	}
	return fmt.Errorf("%s %s: %w", cl.method, cl.path, err)
}

// jitteredBackoff is exponential from RetryWaitMin, doubled per attempt, with
// "equal jitter" (a random half on top of a fixed half) so that clients that
// failed together do not retry together; always within [min, max].
func (c *Client) jitteredBackoff(attempt int) time.Duration {
	base := c.retryWaitMin
	for i := 1; i < attempt && base < c.retryWaitMax; i++ {
		base *= 2
	}
	base = min(base, c.retryWaitMax)
	half := base / 2
	wait := half + rand.N(half+1)
	return min(max(wait, c.retryWaitMin), c.retryWaitMax)
}

// retryAfter reads Retry-After (delay seconds or an HTTP date) of a 429 or
// 503; other statuses do not carry a meaningful one.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0, false
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(time.Hour/time.Second) {
			return time.Hour, true // no overflow; above any cap anyway
		}
		return time.Duration(secs) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(time.Until(at), 0), true
	}
	return 0, false
}

// transient says whether a transport error is worth another attempt: the
// connection could not be made, broke, or the attempt timed out. Certificate
// and TLS failures are not: they will fail the same way again.
func transient(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var (
		certInvalid x509.CertificateInvalidError
		unknownCA   x509.UnknownAuthorityError
		hostname    x509.HostnameError
		verify      *tls.CertificateVerificationError
		record      tls.RecordHeaderError
		alert       tls.AlertError
		dnsErr      *net.DNSError
	)
	switch {
	case errors.As(err, &certInvalid), errors.As(err, &unknownCA), errors.As(err, &hostname),
		errors.As(err, &verify), errors.As(err, &record), errors.As(err, &alert):
		return false
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return false // the name does not exist; asking again will not create it
	}
	var opErr *net.OpError
	var netErr net.Error
	switch {
	case errors.As(err, &opErr):
		return true // refused, reset, unreachable
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true // the server closed a kept-alive connection under us
	case errors.As(err, &netErr) && netErr.Timeout():
		return true // the per-attempt timeout, not the caller's context
	}
	return false
}

// redactHeader clones h with credentials replaced, for the logger.
func redactHeader(h http.Header) http.Header {
	out := h.Clone()
	if v := out.Get("Authorization"); v != "" {
		scheme, _, _ := strings.Cut(v, " ")
		out.Set("Authorization", scheme+" <redacted>")
	}
	for _, k := range []string{"Proxy-Authorization", "Cookie"} {
		if out.Get(k) != "" {
			out.Set(k, "<redacted>")
		}
	}
	return out
}
