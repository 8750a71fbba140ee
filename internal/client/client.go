// Package client is the Go client of Portal API v1. It knows nothing of
// Terraform: the provider is one of its users.
package client

import (
	"context"
	"iter"
	"net/http"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// Config configures a Client. Endpoint and Token are required.
type Config struct {
	Endpoint                   string        // base URL of the portal, e.g. http://127.0.0.1:8787
	Token                      string        // bearer token; never logged
	HTTPClient                 *http.Client  // optional; its Transport is reused (keep-alive)
	UserAgent                  string        // optional product token prepended to "jwo-client/<version>"
	Timeout                    time.Duration // per attempt; 0 = 30s
	MaxRetries                 int           // retries after the first attempt; 0 = 4; negative = none
	RetryWaitMin, RetryWaitMax time.Duration // backoff bounds; 0 = 200ms / 5s
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

// Client calls Portal API v1.
type Client struct{}

// Version is set by the provider's ldflags; it ends up in the User-Agent.
var Version = "dev"

func New(cfg Config) (*Client, error) { panic("client owner") }

func (c *Client) Health(ctx context.Context) error            { panic("client owner") }
func (c *Client) OpenAPI(ctx context.Context) ([]byte, error) { panic("client owner") }

func (c *Client) ListStores(ctx context.Context, f StoreFilter, pageToken string) (jwo.StorePage, error) {
	panic("client owner")
}

// Stores walks every page of ListStores.
func (c *Client) Stores(ctx context.Context, f StoreFilter) iter.Seq2[jwo.Store, error] {
	panic("client owner")
}

// AllStores collects Stores.
func (c *Client) AllStores(ctx context.Context, f StoreFilter) ([]jwo.Store, error) {
	panic("client owner")
}
func (c *Client) GetStore(ctx context.Context, storeID string) (jwo.Store, error) {
	panic("client owner")
}
func (c *Client) GetCompletion(ctx context.Context, storeID string) (jwo.Completion, error) {
	panic("client owner")
}
func (c *Client) CreateStore(ctx context.Context, p jwo.StoreProfile) (jwo.Store, error) {
	panic("client owner")
}
func (c *Client) UpdateStore(ctx context.Context, storeID string, patch jwo.StorePatch) (jwo.Store, error) {
	panic("client owner")
}

func (c *Client) ListConnectors(ctx context.Context, storeID string) ([]jwo.Connector, error) {
	panic("client owner")
}
func (c *Client) GetConnector(ctx context.Context, storeID string, m jwo.Method) (jwo.Connector, error) {
	panic("client owner")
}

// PutConnector creates or replaces; created is true on 201.
func (c *Client) PutConnector(ctx context.Context, storeID string, m jwo.Method, in jwo.ConnectorInput, pre Precondition) (conn jwo.Connector, created bool, err error) {
	panic("client owner")
}
func (c *Client) DeleteConnector(ctx context.Context, storeID string, m jwo.Method, pre Precondition) error {
	panic("client owner")
}

// StartTest starts a run; a non-empty idempotencyKey makes the POST safe to retry.
func (c *Client) StartTest(ctx context.Context, storeID string, m jwo.Method, sku, idempotencyKey string) (jwo.ConnectivityTest, error) {
	panic("client owner")
}
func (c *Client) GetTest(ctx context.Context, testID string) (jwo.ConnectivityTest, error) {
	panic("client owner")
}

// WaitTest polls GetTest with backoff (from 100ms, doubling, at most 2s)
// until the run leaves RUNNING or ctx ends.
func (c *Client) WaitTest(ctx context.Context, testID string) (jwo.ConnectivityTest, error) {
	panic("client owner")
}
func (c *Client) ListTests(ctx context.Context, storeID string, m jwo.Method, limit int) ([]jwo.ConnectivityTest, error) {
	panic("client owner")
}

func (c *Client) ListCatalogItems(ctx context.Context, storeID, sku, pageToken string) (jwo.CatalogPage, error) {
	panic("client owner")
}
func (c *Client) PutCatalogItem(ctx context.Context, storeID, sku string, in jwo.CatalogItemInput) (jwo.CatalogItem, error) {
	panic("client owner")
}

func (c *Client) ListAuditEvents(ctx context.Context, storeID, pageToken string) (jwo.AuditPage, error) {
	panic("client owner")
}

// AuditEvents walks every page of ListAuditEvents.
func (c *Client) AuditEvents(ctx context.Context, storeID string) iter.Seq2[jwo.AuditEvent, error] {
	panic("client owner")
}
