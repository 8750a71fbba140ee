// Package client is the Go client of Portal API v1. It knows nothing of
// Terraform: the provider is one of its users.
//
// Every call takes a context first, retries what is safe to repeat (see
// retry.go), and reports an answer of 400 or more as an *APIError whose
// problem document the IsXxx helpers and FieldErrors look into.
package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"golang.org/x/oauth2"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// DefaultMaxRetries is the MaxRetries the provider uses when max_retries is
// not set. Config's zero value means no retries, as it says.
const DefaultMaxRetries = 4

// Defaults of Config, applied by New when a field is zero.
const (
	defaultTimeout      = 30 * time.Second
	defaultRetryWaitMin = 200 * time.Millisecond
	defaultRetryWaitMax = 5 * time.Second
	// Throttling is the server pacing us, not failing, so its waits do not
	// use up MaxRetries; this bounds them instead. A plan of hundreds of
	// resources through a low rate limit must finish, only more slowly.
	defaultMaxThrottledWait = 2 * time.Minute
)

// maxIdleConnsPerHost keeps a connection per request in flight: Terraform
// runs 10 operations at a time by default, and with go-cleanhttp's
// GOMAXPROCS+1 idle connections per host every connection beyond those
// would be closed after its answer and dialled again for the next one.
const maxIdleConnsPerHost = 32

// projectURL ends the User-Agent so that a portal operator who sees odd
// traffic knows where it comes from.
const projectURL = "https://github.com/justwalkout/terraform-provider-jwo"

// Config configures a Client. Endpoint is required, and exactly one of
// Token and TokenSource.
type Config struct {
	Endpoint string // base URL of the portal, e.g. http://127.0.0.1:8787
	Token    string // bearer token; never logged
	// TokenSource gives the bearer token of each request instead of Token:
	// ExchangeTokenSource's exchanges a CI's OpenID Connect JWT for one and
	// renews it. Its tokens are never logged either.
	TokenSource                oauth2.TokenSource
	HTTPClient                 *http.Client  // optional; its Transport is reused (keep-alive)
	UserAgent                  string        // optional product token prepended to "jwo-client/<Version>"
	Version                    string        // the client's version in the User-Agent: the provider's; "" = "dev"
	Timeout                    time.Duration // per attempt; 0 = 30s
	MaxRetries                 int           // retries after the first attempt; 0 = none (see DefaultMaxRetries)
	RetryWaitMin, RetryWaitMax time.Duration // backoff bounds; 0 = 200ms / 5s
	MaxThrottledWait           time.Duration // total wait of one call on 429s and 503s with Retry-After; 0 = 2m
	// Logger, when set, is called once per attempt. The token never reaches it.
	Logger func(ctx context.Context, rec RequestLog)
}

// RequestLog describes one attempt of one request, with the token redacted.
type RequestLog struct {
	Method   string
	URL      string
	Attempt  int
	Status   int // 0 when no answer came
	Duration time.Duration
	Header   http.Header // request headers; Authorization shows "Bearer <redacted>"
	Err      error
}

// Precondition chooses the conditional header of a write.
type Precondition struct {
	IfMatchVersion int64 // > 0: If-Match: "<version>"
	IfNoneMatch    bool  // If-None-Match: * (create only)
}

// StoreFilter narrows GET /v1/stores.
type StoreFilter struct {
	StoreType        jwo.StoreType
	CompletionStatus jwo.CompletionStatus
	Method           jwo.Method
	PageSize         int
}

// ConnectorFilter narrows GET /v1/connectors. StoreIDs of stores the token
// cannot see match nothing.
type ConnectorFilter struct {
	StoreIDs           []string
	Method             jwo.Method
	StoreType          jwo.StoreType
	ConnectivityStatus jwo.ConnectivityStatus
	LastChangedVia     jwo.ChangeSource
	PageSize           int
}

// Client calls Portal API v1. It is safe for concurrent use; make one per
// endpoint and token and keep it, so that connections are reused.
type Client struct {
	base      string             // endpoint without trailing slash; API paths are appended
	tokens    oauth2.TokenSource // nil for the anonymous client of the token exchange
	userAgent string
	http      *http.Client // per-attempt timeout set; transport shared by every call
	logger    func(context.Context, RequestLog)

	maxRetries   int
	retryWaitMin time.Duration
	retryWaitMax time.Duration

	maxThrottledWait time.Duration
}

// New checks cfg and returns a Client. It does not contact the portal: call
// Health for that.
func New(cfg Config) (*Client, error) {
	var tokens oauth2.TokenSource
	switch {
	case cfg.Token != "" && cfg.TokenSource != nil:
		return nil, errors.New("client: both Token and TokenSource are set: give one of them")
	case cfg.TokenSource != nil:
		tokens = cfg.TokenSource
	case cfg.Token == "":
		return nil, errors.New("client: Token is empty: pass the bearer token that `jwo-portal token create` printed, or a TokenSource")
	default:
		if err := checkToken("Token", cfg.Token); err != nil {
			return nil, err
		}
		tokens = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: cfg.Token, TokenType: "Bearer"})
	}
	return newClient(cfg, tokens)
}

// checkToken refuses a token that cannot go into a header: the header
// error could echo it.
func checkToken(what, token string) error {
	if strings.ContainsAny(token, " \t\r\n") {
		return fmt.Errorf("client: %s contains white space: copy the token alone, without spaces or new lines", what)
	}
	return nil
}

// newClient is New after the credentials: tokens is nil for the client of
// the token exchange, whose requests carry no Authorization.
func newClient(cfg Config, tokens oauth2.TokenSource) (*Client, error) {
	base, err := parseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	if cfg.Timeout < 0 || cfg.RetryWaitMin < 0 || cfg.RetryWaitMax < 0 || cfg.MaxThrottledWait < 0 {
		return nil, errors.New("client: Timeout, RetryWaitMin, RetryWaitMax and MaxThrottledWait must not be negative")
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("client: MaxRetries %d is negative: use 0 for no retries", cfg.MaxRetries)
	}

	c := &Client{
		base:         base,
		tokens:       tokens,
		userAgent:    userAgent(cfg.UserAgent, cfg.Version),
		logger:       cfg.Logger,
		maxRetries:   cfg.MaxRetries,
		retryWaitMin: cfg.RetryWaitMin,
		retryWaitMax: cfg.RetryWaitMax,

		maxThrottledWait: cfg.MaxThrottledWait,
	}
	if c.retryWaitMin == 0 {
		c.retryWaitMin = defaultRetryWaitMin
	}
	if c.retryWaitMax == 0 {
		c.retryWaitMax = defaultRetryWaitMax
	}
	if c.maxThrottledWait == 0 {
		c.maxThrottledWait = defaultMaxThrottledWait
	}
	// Setting only RetryWaitMin above the default maximum should not be an
	// error: the bounds then collapse to one fixed wait.
	c.retryWaitMax = max(c.retryWaitMax, c.retryWaitMin)

	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = defaultTimeout
	}
	// A copy, so that setting our per-attempt timeout does not change the
	// caller's client; the Transport (and its idle connections) is shared.
	var hc http.Client
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	}
	if hc.Transport == nil {
		t := cleanhttp.DefaultPooledTransport()
		t.MaxIdleConnsPerHost = maxIdleConnsPerHost
		hc.Transport = t
	}
	// http.Client.Timeout bounds one Do including the read of the body, which
	// is exactly one attempt here.
	hc.Timeout = timeout
	// Following a redirect would send the Authorization header to wherever
	// the portal (or someone in front of it) points: Go keeps it for the same
	// host name on another port or scheme. A 3xx is returned as an error.
	hc.CheckRedirect = refuseRedirect
	c.http = &hc
	return c, nil
}

// accessToken is the bearer token of the next request: the static token,
// or the one the token source holds or gets by an exchange.
func (c *Client) accessToken() (string, error) {
	if c.tokens == nil {
		return "", errors.New("client: this client only exchanges tokens")
	}
	tok, err := c.tokens.Token()
	if err != nil {
		return "", err
	}
	if tok == nil || tok.AccessToken == "" {
		return "", errors.New("client: the TokenSource gave no access token")
	}
	if t := tok.Type(); !strings.EqualFold(t, "Bearer") {
		return "", fmt.Errorf("client: the TokenSource gave a %q token; the portal takes Bearer tokens", t)
	}
	if err := checkToken("the access token", tok.AccessToken); err != nil {
		return "", err
	}
	return tok.AccessToken, nil
}

func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// parseEndpoint accepts an absolute http(s) URL, optionally with a base
// path, and returns it without trailing slash.
func parseEndpoint(endpoint string) (string, error) {
	if endpoint == "" {
		return "", errors.New("client: Endpoint is empty: set the portal's base URL, e.g. http://127.0.0.1:8787")
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", fmt.Errorf("client: Endpoint %q is not a URL: %w", endpoint, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("client: Endpoint %q must start with http:// or https://", endpoint)
	}
	if u.Host == "" {
		return "", fmt.Errorf("client: Endpoint %q has no host", endpoint)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("client: Endpoint %q must not have a query or fragment: give the base URL only", endpoint)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func userAgent(product, version string) string {
	if version = strings.TrimSpace(version); version == "" {
		version = "dev"
	}
	ua := "jwo-client/" + version + " (+" + projectURL + ")"
	if product = strings.TrimSpace(product); product != "" {
		ua = product + " " + ua
	}
	return ua
}

// Health calls GET /healthz; nil means the portal answered 2xx.
func (c *Client) Health(ctx context.Context) error {
	_, err := c.do(ctx, request{method: http.MethodGet, path: "/healthz"}, nil)
	return err
}

// OpenAPI returns the portal's OpenAPI document, as served.
func (c *Client) OpenAPI(ctx context.Context) ([]byte, error) {
	var doc []byte
	_, err := c.do(ctx, request{method: http.MethodGet, path: "/v1/openapi.json"}, &doc)
	return doc, err
}
