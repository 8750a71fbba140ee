package client

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// idGroups sorts ids, drops repeats and cuts them into groups of at most n:
// the calls of a list filter that takes n ids, in the API's order.
func idGroups(ids []string, n int) iter.Seq[[]string] {
	return slices.Chunk(slices.Compact(slices.Sorted(slices.Values(ids))), n)
}

// GetTests reads up to jwo.MaxFilterTestIDs runs in one request
// (GET /v1/tests?test_id=...), ordered by id. A run that does not exist, or
// that another merchant started, is simply not in the answer: GetTest of
// that id says which (404). No ids, no request.
func (c *Client) GetTests(ctx context.Context, ids []string) ([]jwo.ConnectivityTest, error) {
	if len(ids) > jwo.MaxFilterTestIDs {
		return nil, fmt.Errorf("client: %d run ids in one call; the API takes at most %d: use GetTestsByID, which splits them", len(ids), jwo.MaxFilterTestIDs)
	}
	for _, id := range ids {
		// A comma inside an id would silently split it in two.
		if err := jwo.ValidateTestID(id); err != nil {
			return nil, fmt.Errorf("client: test_id filter: %w", err)
		}
	}
	if len(ids) == 0 {
		return []jwo.ConnectivityTest{}, nil
	}
	return c.testList(ctx, request{method: http.MethodGet, path: "/v1/tests", query: url.Values{"test_id": {strings.Join(ids, ",")}}})
}

// GetTestsByID reads any number of runs: the ids are sorted, de-duplicated
// and asked for in groups of jwo.MaxFilterTestIDs, so the answer is ordered
// by id. Runs that do not exist are absent, as in GetTests.
func (c *Client) GetTestsByID(ctx context.Context, ids []string) ([]jwo.ConnectivityTest, error) {
	out := []jwo.ConnectivityTest{}
	for group := range idGroups(ids, jwo.MaxFilterTestIDs) {
		runs, err := c.GetTests(ctx, group)
		if err != nil {
			return nil, err
		}
		out = append(out, runs...)
	}
	return out, nil
}

// RecentTests lists the merchant's latest runs of every store and method,
// newest first (GET /v1/tests?limit=); limit <= 0 leaves it to the portal.
func (c *Client) RecentTests(ctx context.Context, limit int) ([]jwo.ConnectivityTest, error) {
	r := request{method: http.MethodGet, path: "/v1/tests"}
	if limit > 0 {
		r.query = url.Values{"limit": {strconv.Itoa(limit)}}
	}
	return c.testList(ctx, r)
}
