package portal

import (
	"context"
	"slices"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// TestsByID reads several runs of the caller's merchant at once, ordered by
// id, for a client that refreshes many runs (the provider's plan). An id of
// no run, or of another merchant's run, is simply not in the answer, as
// GET /v1/tests/{test_id} answers 404 for both: the answer never tells which
// runs exist elsewhere. At most jwo.MaxFilterTestIDs distinct ids.
func (s *Service) TestsByID(ctx context.Context, c Caller, ids []string) ([]jwo.ConnectivityTest, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) > jwo.MaxFilterTestIDs {
		return nil, badRequest("test_id lists %d run ids; the limit is %d: split the list over several calls", len(ids), jwo.MaxFilterTestIDs)
	}
	for _, id := range ids {
		if err := jwo.ValidateTestID(id); err != nil {
			return nil, badRequest("test_id: %v", err)
		}
	}
	return s.readTests(ctx, func(tx *store.Tx) ([]store.Test, error) { return tx.TestsByID(ctx, c.pr.merchant, ids) })
}

// maxRecentTests bounds GET /v1/tests?limit=: as many runs as a page of
// GET /v1/connectors holds connectors.
const maxRecentTests = 1000

// RecentTests lists the caller's merchant's latest runs, of every store and
// method, newest first, at most limit: the runs a plan right after an apply
// refreshes are among them.
func (s *Service) RecentTests(ctx context.Context, c Caller, limit int) ([]jwo.ConnectivityTest, error) {
	return s.readTests(ctx, func(tx *store.Tx) ([]store.Test, error) { return tx.RecentTests(ctx, c.pr.merchant, limit) })
}

// readTests answers the API fields of the runs that query reads.
func (s *Service) readTests(ctx context.Context, query func(*store.Tx) ([]store.Test, error)) ([]jwo.ConnectivityTest, error) {
	list := []jwo.ConnectivityTest{}
	err := s.p.db.Read(ctx, func(tx *store.Tx) error {
		runs, err := query(tx)
		for _, run := range runs {
			list = append(list, run.ConnectivityTest)
		}
		return err
	})
	return list, err
}
