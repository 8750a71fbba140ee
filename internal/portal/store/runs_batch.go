package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// The id list fills a fixed number of placeholders, as in
// qMerchantConnectors, so that one prepared statement serves every list on
// both engines; the id column is UNIQUE, so each slot is one index probe.
var qTestsByID = sqlQuery(`SELECT ` + testColumns + ` FROM tests
	WHERE merchant_id = ? AND id IN (?` + strings.Repeat(", ?", jwo.MaxFilterTestIDs-1) + `) ORDER BY id`)

// qRecentTests walks the primary key backwards, so it reads the merchant's
// newest runs first and stops at the limit.
var qRecentTests = sqlQuery(`SELECT ` + testColumns + ` FROM tests WHERE merchant_id = ? ORDER BY seq DESC LIMIT ?`)

// RecentTests lists the merchant's latest runs, of every store and method,
// newest first.
func (t *Tx) RecentTests(ctx context.Context, merchant string, limit int) ([]Test, error) {
	rows, err := t.query(ctx, qRecentTests, merchant, limit)
	if err != nil {
		return nil, err
	}
	return collectTests(rows)
}

// TestsByID reads the merchant's runs among ids (at most
// jwo.MaxFilterTestIDs), ordered by id. An id of no run, or of another
// merchant's run, is simply not in the answer.
func (t *Tx) TestsByID(ctx context.Context, merchant string, ids []string) ([]Test, error) {
	if len(ids) > jwo.MaxFilterTestIDs {
		return nil, fmt.Errorf("%d run ids in one query; the limit is %d", len(ids), jwo.MaxFilterTestIDs)
	}
	rows, err := t.query(ctx, qTestsByID, idSlots([]any{merchant}, ids, jwo.MaxFilterTestIDs)...)
	if err != nil {
		return nil, err
	}
	return collectTests(rows)
}

// idSlots appends ids to args, padded with "" (never an id) to n values.
func idSlots(args []any, ids []string, n int) []any {
	for i := range n {
		id := ""
		if i < len(ids) {
			id = ids[i]
		}
		args = append(args, id)
	}
	return args
}

// collectTests scans every row of a runs query and closes it.
func collectTests(rows *sql.Rows) ([]Test, error) {
	defer func() { _ = rows.Close() }()
	var out []Test
	for rows.Next() {
		r, err := scanTest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
