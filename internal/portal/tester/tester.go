// Package tester makes the call of a connectivity test and classifies the
// outcome. It knows nothing of storage: the portal's runner records results.
package tester

import (
	"context"
	"crypto/tls"
	"net/netip"
	"time"

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
}

// Resolver looks up the addresses of a host name.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Tester makes connectivity test calls.
type Tester struct{ opts Options }

func New(opts Options) *Tester { panic("implemented by the tester owner") }

// Run makes the call and classifies it; it never returns RUNNING.
func (t *Tester) Run(ctx context.Context, c Call) Result { panic("implemented by the tester owner") }

// CheckEgress is the egress policy's decision for one resolved address in
// production mode: nil when the tester may dial it.
func CheckEgress(addr netip.Addr) error { panic("implemented by the tester owner") }
