// Package tester makes the call of a connectivity test and classifies the
// outcome. It knows nothing of storage: the portal's runner records results.
package tester

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// Call is one connectivity test call to make.
type Call struct {
	Method       jwo.Method
	StoreID      string
	SKU          string
	EndpointURL  string // the saved base URL; the method's path is appended
	EndpointType jwo.EndpointType
}

// Result is the classified outcome of a Call.
type Result struct {
	Status          jwo.TestStatus // SUCCESSFUL or UNSUCCESSFUL
	Reason          jwo.FailureReason
	Message         string
	HTTPStatus      int
	Latency         time.Duration
	ResponseExcerpt string
	// Detail is what Message leaves out on purpose (the address the egress
	// policy refused, the resolver's answer): for the portal's log only,
	// never stored with the run or shown to the tenant.
	Detail string
}

// Options configures a Tester.
type Options struct {
	// Dev allows loopback (and only loopback beyond public) destinations; without
	// it the egress policy refuses loopback, private, link-local, unspecified,
	// IPv4-mapped and unique-local addresses at dial time.
	Dev bool
	// Timeout bounds one call (connect to last byte); default 10s.
	Timeout time.Duration
	// TLSConfig, when set, is used for https calls (tests trust their own CA).
	TLSConfig *tls.Config
	// Resolver, when set, replaces DNS lookups (tests use it so that no query
	// ever leaves the machine); nil = net.DefaultResolver.
	Resolver Resolver
	// Deny are blocks refused in every mode, on top of the built-in ones.
	Deny []netip.Prefix
	// Self are the portal's own listening addresses, refused with their port.
	Self []netip.AddrPort
}

// Resolver looks up the addresses of a host name.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

const (
	defaultTimeout = 10 * time.Second
	// maxBody bounds what a misbehaving connector can make the portal hold.
	maxBody   = 1 << 20
	userAgent = "jwo-portal-tester/1"
)

// Tester makes connectivity test calls. It is safe for concurrent use; its
// connections are pooled across runs, so make one and keep it.
type Tester struct {
	opts   Options
	dialer *dialer
	client *http.Client
}

// New makes a Tester; use it rather than a zero Tester.
func New(opts Options) *Tester {
	if opts.Timeout <= 0 {
		opts.Timeout = defaultTimeout
	}
	d := newDialer(policy{dev: opts.Dev, deny: opts.Deny, self: opts.Self}, opts.Resolver)
	transport := &http.Transport{
		// Proxy settings from the environment are ignored on purpose: a proxy
		// would dial on our behalf, out of reach of the egress policy.
		Proxy:                  nil,
		DialContext:            d.DialContext,
		TLSClientConfig:        clientTLS(opts.TLSConfig),
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           64,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &Tester{
		opts:   opts,
		dialer: d,
		client: &http.Client{
			Transport: transport,
			// Amazon does not follow redirects, and following one would
			// reach a host the saved endpoint never named.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// clientTLS trusts the system roots unless told otherwise, and never speaks
// below TLS 1.2, which API Gateway does not accept either.
func clientTLS(c *tls.Config) *tls.Config {
	if c == nil {
		return &tls.Config{MinVersion: tls.VersionTLS12}
	}
	c = c.Clone()
	if c.MinVersion < tls.VersionTLS12 {
		c.MinVersion = tls.VersionTLS12
	}
	return c
}

// CloseIdleConnections drops pooled connections, for a runner that stops.
func (t *Tester) CloseIdleConnections() { t.client.CloseIdleConnections() }

// Run makes the call and classifies it; it never returns RUNNING.
func (t *Tester) Run(ctx context.Context, c Call) Result {
	if ctx == nil {
		ctx = context.Background()
	}
	start := time.Now()
	res := t.run(ctx, c)
	res.Latency = time.Since(start)
	return res
}

func (t *Tester) run(ctx context.Context, c Call) Result {
	if !c.Method.Valid() {
		return failed(jwo.ReasonConnect, fmt.Sprintf("No call was made: %q is not a connector method.", c.Method))
	}
	target, err := callURL(c)
	if err != nil {
		return failed(jwo.ReasonConnect, fmt.Sprintf("No call was made: %v.", err))
	}
	ids, err := syntheticIDs()
	if err != nil {
		return failed(jwo.ReasonConnect, fmt.Sprintf("No call was made: %v.", err))
	}
	payload, err := json.Marshal(jwo.TestPayload(c.Method, c.StoreID, c.SKU, ids))
	if err != nil {
		return failed(jwo.ReasonConnect, fmt.Sprintf("No call was made: the payload could not be encoded: %v.", err))
	}

	var res Result
	if failure := t.post(ctx, target, payload, func(a answer, fc failureContext) {
		a.method, a.endpointType = c.Method, c.EndpointType
		res = classifyAnswer(a, fc)
	}); failure != nil {
		return *failure
	}
	return res
}

// post sends one JSON POST under the call timeout, no redirects followed and
// the body capped. It hands an answer to onAnswer while the call's context
// still lives (a read error is classified against it), and returns the
// classified failure of a call that got no answer.
func (t *Tester) post(ctx context.Context, target *url.URL, payload []byte, onAnswer func(answer, failureContext)) *Result {
	callCtx, cancel := context.WithTimeout(ctx, t.opts.Timeout)
	defer cancel()
	var hs handshake
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(callCtx, hs.trace()), http.MethodPost, target.String(), bytes.NewReader(payload))
	if err != nil {
		res := failed(jwo.ReasonConnect, fmt.Sprintf("No call was made: %v.", err))
		return &res
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)

	fc := failureContext{host: target.Host, timeout: t.opts.Timeout, callCtx: callCtx}
	resp, err := t.client.Do(req)
	if err != nil {
		fc.tlsErr = hs.err()
		reason, msg, detail := classifyError(err, fc)
		res := failed(reason, msg)
		res.Detail = detail
		return &res
	}
	defer func() { _ = resp.Body.Close() }()
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	a := answer{
		status:   resp.StatusCode,
		location: resp.Header.Get("Location"),
		body:     body,
		tooLarge: len(body) > maxBody,
		readErr:  readErr,
	}
	if a.tooLarge {
		a.body = body[:maxBody]
	}
	onAnswer(a, fc)
	return nil
}

// callURL is the URL Amazon would call, refused early when no request could
// be made of it (the dialer refuses what the egress policy forbids).
func callURL(c Call) (*url.URL, error) {
	return pathURL(c.EndpointURL, c.Method.CallPath())
}

// pathURL is the endpoint URL with a documented operation's path appended.
func pathURL(endpointURL, path string) (*url.URL, error) {
	if strings.TrimSpace(endpointURL) == "" {
		return nil, errors.New("the connector has no endpoint URL")
	}
	u, err := url.Parse(jwo.OperationURL(strings.TrimSpace(endpointURL), path))
	if err != nil {
		return nil, fmt.Errorf("the endpoint URL %q is not a valid URL", endpointURL)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("the endpoint URL %q must start with https://", endpointURL)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("the endpoint URL %q has no host", endpointURL)
	}
	return u, nil
}

func syntheticIDs() (jwo.SyntheticIDs, error) {
	var ids [3]string
	for i := range ids {
		id, err := uuid.NewRandom()
		if err != nil {
			return jwo.SyntheticIDs{}, fmt.Errorf("no synthetic id could be made: %w", err)
		}
		ids[i] = id.String()
	}
	return jwo.SyntheticIDs{RequestID: ids[0], EventID: ids[1], TripID: ids[2], At: time.Now()}, nil
}

// handshake keeps the TLS handshake error the transport reports, which names
// a TLS failure even when the error Do returns does not. The transport may
// call the hook from its dialing goroutine after Do has returned.
type handshake struct {
	mu      sync.Mutex
	failure error
}

func (h *handshake) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			if err == nil {
				return
			}
			h.mu.Lock()
			defer h.mu.Unlock()
			if h.failure == nil {
				h.failure = err
			}
		},
	}
}

func (h *handshake) err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.failure
}
