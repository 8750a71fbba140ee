package client

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// query is the query string of one call; the store ids go as one
// comma-separated parameter, since the API refuses a repeated one.
func (f ConnectorFilter) query(pageToken string) (url.Values, error) {
	q := url.Values{}
	if len(f.StoreIDs) > jwo.MaxFilterStoreIDs {
		return nil, fmt.Errorf("client: %d store ids in one call; the API takes at most %d: use MerchantConnectors, which splits them", len(f.StoreIDs), jwo.MaxFilterStoreIDs)
	}
	for _, id := range f.StoreIDs {
		// A comma inside an id would silently split it in two.
		if err := jwo.ValidateStoreID(id); err != nil {
			return nil, fmt.Errorf("client: store_id filter: %w", err)
		}
	}
	if len(f.StoreIDs) > 0 {
		q.Set("store_id", strings.Join(f.StoreIDs, ","))
	}
	if f.Method != "" {
		q.Set("method", string(f.Method))
	}
	if f.StoreType != "" {
		q.Set("store_type", string(f.StoreType))
	}
	if f.ConnectivityStatus != "" {
		q.Set("connectivity_status", string(f.ConnectivityStatus))
	}
	if f.LastChangedVia != "" {
		q.Set("last_changed_via", string(f.LastChangedVia))
	}
	if f.PageSize > 0 {
		q.Set("page_size", strconv.Itoa(f.PageSize))
	}
	if pageToken != "" {
		q.Set("page_token", pageToken)
	}
	return q, nil
}

// ListMerchantConnectors returns one page of GET /v1/connectors: connectors
// of every store of the token's merchant, ordered by store id, then method.
// Pass the page's NextPageToken to get the next one, or use
// MerchantConnectors.
func (c *Client) ListMerchantConnectors(ctx context.Context, f ConnectorFilter, pageToken string) (jwo.ConnectorPage, error) {
	var page jwo.ConnectorPage
	q, err := f.query(pageToken)
	if err != nil {
		return page, err
	}
	_, err = c.do(ctx, request{method: http.MethodGet, path: "/v1/connectors", query: q}, &page)
	return page, err
}

// MerchantConnectors walks every page of ListMerchantConnectors. Any number
// of StoreIDs may be given: they are sorted and asked for in groups of
// jwo.MaxFilterStoreIDs, so the walk keeps the API's order. Only one page is
// held at a time.
func (c *Client) MerchantConnectors(ctx context.Context, f ConnectorFilter) iter.Seq2[jwo.Connector, error] {
	if len(f.StoreIDs) <= jwo.MaxFilterStoreIDs {
		return c.merchantConnectorPages(ctx, f)
	}
	return func(yield func(jwo.Connector, error) bool) {
		for group := range idGroups(f.StoreIDs, jwo.MaxFilterStoreIDs) {
			g := f
			g.StoreIDs = group
			for conn, err := range c.merchantConnectorPages(ctx, g) {
				if !yield(conn, err) || err != nil {
					return
				}
			}
		}
	}
}

func (c *Client) merchantConnectorPages(ctx context.Context, f ConnectorFilter) iter.Seq2[jwo.Connector, error] {
	return pages(ctx, func(ctx context.Context, token string) ([]jwo.Connector, string, error) {
		p, err := c.ListMerchantConnectors(ctx, f, token)
		return p.Connectors, p.NextPageToken, err
	})
}

// AllMerchantConnectors collects MerchantConnectors.
func (c *Client) AllMerchantConnectors(ctx context.Context, f ConnectorFilter) ([]jwo.Connector, error) {
	return collect(c.MerchantConnectors(ctx, f))
}
