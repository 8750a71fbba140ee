package store

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// TestTestsByID: the batch read answers the merchant's runs among the ids,
// ordered by id, whatever the order asked, for a full list of ids too, and
// never a run of another merchant, on every engine.
func TestTestsByID(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, _ string) {
		ctx := context.Background()
		withStore(t, db)
		mustWrite(t, db, func(tx *Tx) error {
			if _, err := tx.EnsureMerchant(ctx, "b", Now()); err != nil {
				return err
			}
			if err := tx.InsertStore(ctx, "b", profile, Now()); err != nil {
				return err
			}
			for _, m := range []string{"a", "b"} {
				c := newConnector()
				if err := tx.InsertConnector(ctx, m, c); err != nil {
					return err
				}
			}
			for _, r := range []struct{ merchant, id string }{{"a", "t-2"}, {"a", "t-1"}, {"a", "t-3"}, {"b", "t-9"}} {
				run := running(r.id, "")
				run.MerchantID = r.merchant
				if _, err := tx.InsertTest(ctx, run); err != nil {
					return err
				}
			}
			return nil
		})
		full := make([]string, 0, jwo.MaxFilterTestIDs)
		for i := range jwo.MaxFilterTestIDs - 1 {
			full = append(full, fmt.Sprintf("none-%d", i))
		}
		full = append(full, "t-3")
		for _, tc := range []struct {
			name string
			ids  []string
			want []string
		}{
			{"asked out of order", []string{"t-3", "t-1", "t-2"}, []string{"t-1", "t-2", "t-3"}},
			{"one", []string{"t-2"}, []string{"t-2"}},
			{"unknown and another merchant's", []string{"t-9", "nope", "t-1"}, []string{"t-1"}},
			{"only another merchant's", []string{"t-9"}, nil},
			{"none", nil, nil},
			{"a full list", full, []string{"t-3"}},
		} {
			err := db.Read(ctx, func(tx *Tx) error {
				runs, err := tx.TestsByID(ctx, "a", tc.ids)
				var got []string
				for _, r := range runs {
					got = append(got, r.ID)
					if r.MerchantID != "a" || r.StoreID != "s-1" || r.Status != jwo.TestRunning {
						t.Errorf("%s: run %+v", tc.name, r)
					}
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
				}
				return err
			})
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		err := db.Read(ctx, func(tx *Tx) error {
			for _, tc := range []struct {
				limit int
				want  []string
			}{{10, []string{"t-3", "t-1", "t-2"}}, {2, []string{"t-3", "t-1"}}} {
				runs, err := tx.RecentTests(ctx, "a", tc.limit)
				var got []string
				for _, r := range runs {
					got = append(got, r.ID)
				}
				if err != nil || !slices.Equal(got, tc.want) {
					t.Errorf("latest %d runs: %v, %v; want %v, newest first, none of another merchant", tc.limit, got, err, tc.want)
				}
			}
			_, err := tx.TestsByID(ctx, "a", append(full, "t-1"))
			return err
		})
		if err == nil {
			t.Errorf("%d ids in one query: no error", jwo.MaxFilterTestIDs+1)
		}
	})
}
