package client

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

func (f StoreFilter) query(pageToken string) url.Values {
	q := url.Values{}
	if f.StoreType != "" {
		q.Set("store_type", string(f.StoreType))
	}
	if f.CompletionStatus != "" {
		q.Set("completion_status", string(f.CompletionStatus))
	}
	if f.Method != "" {
		q.Set("method", string(f.Method))
	}
	if f.PageSize > 0 {
		q.Set("page_size", strconv.Itoa(f.PageSize))
	}
	if pageToken != "" {
		q.Set("page_token", pageToken)
	}
	return q
}

// ListStores returns one page of the stores the token's merchant owns; pass
// the page's NextPageToken to get the next one, or use Stores.
func (c *Client) ListStores(ctx context.Context, f StoreFilter, pageToken string) (jwo.StorePage, error) {
	var page jwo.StorePage
	_, err := c.do(ctx, request{method: http.MethodGet, path: "/v1/stores", query: f.query(pageToken)}, &page)
	return page, err
}

// Stores walks every page of ListStores.
func (c *Client) Stores(ctx context.Context, f StoreFilter) iter.Seq2[jwo.Store, error] {
	return pages(ctx, func(ctx context.Context, token string) ([]jwo.Store, string, error) {
		p, err := c.ListStores(ctx, f, token)
		return p.Stores, p.NextPageToken, err
	})
}

// AllStores collects Stores.
func (c *Client) AllStores(ctx context.Context, f StoreFilter) ([]jwo.Store, error) {
	return collect(c.Stores(ctx, f))
}

func (c *Client) GetStore(ctx context.Context, storeID string) (jwo.Store, error) {
	var s jwo.Store
	p, err := storePath(storeID)
	if err != nil {
		return s, err
	}
	_, err = c.do(ctx, request{method: http.MethodGet, path: p}, &s)
	return s, err
}

func (c *Client) GetCompletion(ctx context.Context, storeID string) (jwo.Completion, error) {
	var out jwo.Completion
	p, err := storePath(storeID, "/completion")
	if err != nil {
		return out, err
	}
	_, err = c.do(ctx, request{method: http.MethodGet, path: p}, &out)
	return out, err
}

// CreateStore needs an admin token. It is not retried: a repeated POST could
// meet its own first attempt as a 409.
func (c *Client) CreateStore(ctx context.Context, p jwo.StoreProfile) (jwo.Store, error) {
	var s jwo.Store
	_, err := c.do(ctx, request{method: http.MethodPost, path: "/v1/stores", body: p}, &s)
	return s, err
}

// UpdateStore changes the fields set in patch (admin token). PATCH has no
// precondition in this API, so it is never retried.
func (c *Client) UpdateStore(ctx context.Context, storeID string, patch jwo.StorePatch) (jwo.Store, error) {
	var s jwo.Store
	p, err := storePath(storeID)
	if err != nil {
		return s, err
	}
	_, err = c.do(ctx, request{method: http.MethodPatch, path: p, body: patch}, &s)
	return s, err
}
