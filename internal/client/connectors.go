package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// connectorPath is /v1/stores/{store}/connectors/{method}[rest], with the
// method in its canonical lower-case form whatever case the caller used.
func connectorPath(storeID string, m jwo.Method, rest ...string) (string, error) {
	pm, err := jwo.ParseMethod(string(m))
	if err != nil {
		return "", fmt.Errorf("client: %w", err)
	}
	return storePath(storeID, append([]string{"/connectors/", pm.PathSegment()}, rest...)...)
}

// header turns p into its conditional header. It is also what makes a PUT or
// DELETE safe to retry: a repeat of a write that already happened fails with
// 412 instead of applying twice.
func (p Precondition) header() (http.Header, error) {
	h := http.Header{}
	if p.IfMatchVersion < 0 {
		return nil, fmt.Errorf("client: IfMatchVersion %d is negative: versions start at 1", p.IfMatchVersion)
	}
	if p.IfMatchVersion > 0 && p.IfNoneMatch {
		return nil, errors.New("client: set IfMatchVersion (replace that version) or IfNoneMatch (create only), not both")
	}
	if p.IfMatchVersion > 0 {
		h.Set("If-Match", jwo.ETag(p.IfMatchVersion))
	}
	if p.IfNoneMatch {
		h.Set("If-None-Match", "*")
	}
	return h, nil
}

func (c *Client) ListConnectors(ctx context.Context, storeID string) ([]jwo.Connector, error) {
	p, err := storePath(storeID, "/connectors")
	if err != nil {
		return nil, err
	}
	var list jwo.ConnectorList
	if _, err := c.do(ctx, request{method: http.MethodGet, path: p}, &list); err != nil {
		return nil, err
	}
	return list.Connectors, nil
}

func (c *Client) GetConnector(ctx context.Context, storeID string, m jwo.Method) (jwo.Connector, error) {
	var conn jwo.Connector
	p, err := connectorPath(storeID, m)
	if err != nil {
		return conn, err
	}
	_, err = c.do(ctx, request{method: http.MethodGet, path: p}, &conn)
	return conn, err
}

// PutConnector creates or replaces; created is true on 201. Without a
// precondition it is sent once only, since a blind replace cannot tell a
// retry from a second writer.
func (c *Client) PutConnector(ctx context.Context, storeID string, m jwo.Method, in jwo.ConnectorInput, pre Precondition) (conn jwo.Connector, created bool, err error) {
	p, err := connectorPath(storeID, m)
	if err != nil {
		return conn, false, err
	}
	h, err := pre.header()
	if err != nil {
		return conn, false, err
	}
	status, err := c.do(ctx, request{method: http.MethodPut, path: p, body: in, header: h}, &conn)
	return conn, status == http.StatusCreated && err == nil, err
}

// DeleteConnector removes a connector; with a precondition it is retried
// like PutConnector.
func (c *Client) DeleteConnector(ctx context.Context, storeID string, m jwo.Method, pre Precondition) error {
	p, err := connectorPath(storeID, m)
	if err != nil {
		return err
	}
	h, err := pre.header()
	if err != nil {
		return err
	}
	_, err = c.do(ctx, request{method: http.MethodDelete, path: p, header: h}, nil)
	return err
}
