// Package api is Portal API v1 over HTTP: routing, middleware, the
// Authorization header, rate limits, problem+json answers, conditional
// requests, the OpenAPI document, health and metrics. Every rule is the
// portal's Service's: a handler reads a request, calls the Service and
// writes what it answers.
package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

// Options configures the API.
type Options struct {
	Logger    *slog.Logger // nil = discard
	RateLimit int          // requests per second per token, burst 2x; 0 = off
	// AddressRateLimit bounds, per client address, each of two budgets
	// of requests without a valid token: the open routes (the OpenAPI
	// document, the console's pages before sign-in) and failed
	// authentications (a bad or missing token, a console sign-in, an
	// unknown console session), burst 10x; 0 = 10 per second; negative =
	// off. /healthz is in no budget.
	AddressRateLimit int
	// TrustedProxies are the addresses of proxies (load balancers) whose
	// X-Forwarded-For names the client; from any other peer the header is
	// ignored.
	TrustedProxies []netip.Prefix
	PageSize       int // default page size of lists; 0 = 100 (max portal.MaxPageSize)
	// Console, when set, is served under /console/ (internal/portal/console
	// on the same Service); nil serves no console.
	Console Console
}

// Console is the web console the API serves under /console/, under the
// API's rate limits: Session tells whose request it is before it is served.
type Console interface {
	http.Handler
	// Session resolves the console session of the request's cookie and
	// returns the request to serve, which carries it; tokenID is the id of
	// its token ("" without a live session), unknown whether the request
	// brought a session cookie that names no live session.
	Session(w http.ResponseWriter, r *http.Request) (next *http.Request, tokenID string, unknown bool)
}

const defaultPageSize = 100

// API is the HTTP face of one portal's Service.
type API struct {
	svc         *portal.Service
	log         *slog.Logger
	pageSize    int
	limiter     *rateLimiter // per token
	openLimiter *rateLimiter // open routes, per client address
	authLimiter *rateLimiter // failed authentications, per client address

	trustedProxies []netip.Prefix
	metrics        *metrics
	handler        http.Handler
}

// New builds the API over svc.
func New(svc *portal.Service, opts Options) (*API, error) {
	if opts.RateLimit < 0 {
		return nil, fmt.Errorf("rate limit %d is negative: use 0 to turn it off", opts.RateLimit)
	}
	if opts.PageSize <= 0 {
		opts.PageSize = defaultPageSize
	}
	a := &API{
		svc:         svc,
		log:         opts.Logger,
		pageSize:    min(opts.PageSize, portal.MaxPageSize),
		limiter:     newRateLimiter(opts.RateLimit),
		openLimiter: newAddressLimiter(opts.AddressRateLimit, "a client address on the open routes"),
		authLimiter: newAddressLimiter(opts.AddressRateLimit, "a client address without a valid token"),
		metrics:     newMetrics(),

		trustedProxies: opts.TrustedProxies,
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	a.handler = a.routes(opts.Console)
	return a, nil
}

// Handler is the whole HTTP API, /healthz, /v1/openapi.json and the
// console (when given) included.
func (a *API) Handler() http.Handler { return a.handler }

// timeouts bound how long one client may hold a connection.
type timeouts struct {
	ReadHeader time.Duration // request line and headers
	Read       time.Duration // the whole request, body included
	Write      time.Duration // from the end of the headers to the end of the answer
	Idle       time.Duration // between requests on a kept-alive connection
}

// defaultTimeouts are the production values. A client that trickles its
// headers or body is cut off; bodies are at most 64 KiB, so these leave room
// for slow links only.
var defaultTimeouts = timeouts{ReadHeader: 5 * time.Second, Read: 15 * time.Second, Write: 30 * time.Second, Idle: 120 * time.Second}

// NewServer wraps the handler in an http.Server with defaultTimeouts.
func NewServer(addr string, h http.Handler) *http.Server {
	return newServerWithTimeouts(addr, h, defaultTimeouts)
}

// newServerWithTimeouts is NewServer with other timeouts, for tests that
// watch a slow client being cut off without waiting seconds for it.
func newServerWithTimeouts(addr string, h http.Handler, t timeouts) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		MaxHeaderBytes:    64 << 10,
	}
}
