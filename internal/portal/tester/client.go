package tester

import (
	"net/http"
	"time"
)

// NewClient is an HTTP client under the egress policy of opts, for the
// portal's other outbound calls chosen by a tenant (an OpenID Connect
// issuer's discovery document and keys): it dials only what the policy
// allows, ignores proxy settings, follows no redirect and gives up after
// opts.Timeout (10s when unset). The caller caps what it reads.
func NewClient(opts Options) *http.Client {
	if opts.Timeout <= 0 {
		opts.Timeout = defaultTimeout
	}
	d := newDialer(policy{dev: opts.Dev, deny: opts.Deny, self: opts.Self}, opts.Resolver)
	return &http.Client{
		Timeout: opts.Timeout,
		Transport: &http.Transport{
			Proxy:                  nil, // a proxy would dial out of the policy's reach
			DialContext:            d.DialContext,
			TLSClientConfig:        clientTLS(opts.TLSConfig),
			ForceAttemptHTTP2:      true,
			MaxIdleConns:           16,
			MaxIdleConnsPerHost:    2,
			IdleConnTimeout:        90 * time.Second,
			TLSHandshakeTimeout:    opts.Timeout,
			ResponseHeaderTimeout:  opts.Timeout,
			MaxResponseHeaderBytes: 64 << 10,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
