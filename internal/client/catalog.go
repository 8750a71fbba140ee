package client

import (
	"context"
	"iter"
	"net/http"
	"net/url"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// ListCatalogItems returns one page of a store's catalog; a non-empty sku
// narrows it to that item.
func (c *Client) ListCatalogItems(ctx context.Context, storeID, sku, pageToken string) (jwo.CatalogPage, error) {
	var page jwo.CatalogPage
	p, err := storePath(storeID, "/catalog/items")
	if err != nil {
		return page, err
	}
	q := url.Values{}
	if sku != "" {
		q.Set("sku", sku)
	}
	if pageToken != "" {
		q.Set("page_token", pageToken)
	}
	_, err = c.do(ctx, request{method: http.MethodGet, path: p, query: q}, &page)
	return page, err
}

// CatalogItems walks every page of ListCatalogItems.
func (c *Client) CatalogItems(ctx context.Context, storeID, sku string) iter.Seq2[jwo.CatalogItem, error] {
	return pages(ctx, func(ctx context.Context, token string) ([]jwo.CatalogItem, string, error) {
		p, err := c.ListCatalogItems(ctx, storeID, sku, token)
		return p.Items, p.NextPageToken, err
	})
}

// AllCatalogItems collects CatalogItems.
func (c *Client) AllCatalogItems(ctx context.Context, storeID, sku string) ([]jwo.CatalogItem, error) {
	return collect(c.CatalogItems(ctx, storeID, sku))
}

// PutCatalogItem creates or replaces the item with this SKU (admin token).
// Catalog items carry no version to make the PUT conditional, so, like every
// unconditional write, it is sent once: a blind retry could overwrite a
// change another admin made in between.
func (c *Client) PutCatalogItem(ctx context.Context, storeID, sku string, in jwo.CatalogItemInput) (jwo.CatalogItem, error) {
	var item jwo.CatalogItem
	s, err := seg("sku", sku)
	if err != nil {
		return item, err
	}
	p, err := storePath(storeID, "/catalog/items/", s)
	if err != nil {
		return item, err
	}
	_, err = c.do(ctx, request{method: http.MethodPut, path: p, body: in}, &item)
	return item, err
}
