package client

import (
	"context"
	"iter"
	"net/http"
	"net/url"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// ListAuditEvents returns one page of the merchant's audit log; a non-empty
// storeID narrows it to that store.
func (c *Client) ListAuditEvents(ctx context.Context, storeID, pageToken string) (jwo.AuditPage, error) {
	q := url.Values{}
	if storeID != "" {
		q.Set("store_id", storeID)
	}
	if pageToken != "" {
		q.Set("page_token", pageToken)
	}
	var page jwo.AuditPage
	_, err := c.do(ctx, request{method: http.MethodGet, path: "/v1/audit-events", query: q}, &page)
	return page, err
}

// AuditEvents walks every page of ListAuditEvents.
func (c *Client) AuditEvents(ctx context.Context, storeID string) iter.Seq2[jwo.AuditEvent, error] {
	return pages(ctx, func(ctx context.Context, token string) ([]jwo.AuditEvent, string, error) {
		p, err := c.ListAuditEvents(ctx, storeID, token)
		return p.Events, p.NextPageToken, err
	})
}

// AllAuditEvents collects AuditEvents.
func (c *Client) AllAuditEvents(ctx context.Context, storeID string) ([]jwo.AuditEvent, error) {
	return collect(c.AuditEvents(ctx, storeID))
}
