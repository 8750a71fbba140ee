package store

import (
	"context"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// The queue of connectivity test runs. An accepted run is RUNNING with no
// replica (replica_id ''): queued. Any replica's worker claims the next one
// in a short write transaction (ClaimTest), calls the connector outside any
// transaction, and records the outcome only while it still holds the claim
// (FinishTest). A claim lives as long as the claiming replica's lease
// (replicas.go): SweepRuns finishes the claimed runs of a dead replica as
// interrupted, while its queued runs wait for any live replica. Queued runs
// that no replica is left to claim are interrupted by the last replica to
// stop, or by the next one to start (InterruptQueuedRunsIfAlone).

// claimOrder is the order in which queued runs are claimed: first the
// merchants with the fewest runs claimed and in progress, then the merchant
// served least recently (its latest claim_seq), then the oldest run. So a
// merchant that floods the queue only delays itself: another merchant's run
// goes to the next worker that comes free, and merchants with runs waiting
// take turns.
const claimOrder = `ORDER BY (SELECT count(*) FROM tests c
			WHERE c.merchant_id = q.merchant_id AND c.status = 'RUNNING' AND c.replica_id <> ''),
		(SELECT max(l.claim_seq) FROM tests l WHERE l.merchant_id = q.merchant_id), q.seq LIMIT 1`

const claimNext = `SELECT q.seq FROM tests q WHERE q.status = 'RUNNING' AND q.replica_id = '' ` + claimOrder

// claimSet marks the chosen run claimed, with the next claim number; the
// guard on replica_id makes a run that a concurrent claim took meanwhile
// match nothing. (Two replicas' claims at once may take one number: it only
// orders turns.)
const claimSet = `UPDATE tests SET replica_id = ?, claim_seq = (SELECT COALESCE(max(claim_seq), 0) + 1 FROM tests)
	WHERE status = 'RUNNING' AND replica_id = '' AND seq = (`

var (
	// SQLite runs one write transaction at a time: the choice and the mark
	// cannot interleave with another claim.
	qClaimTest = sqlQuery(claimSet + claimNext + `) RETURNING ` + testColumns)
	// PostgreSQL's claimers run at once: each skips the rows another one has
	// locked, so two never wait for, or take, the same run.
	pgClaimTest = rebind(claimSet + claimNext + ` FOR UPDATE OF q SKIP LOCKED) RETURNING ` + testColumns)

	// The merchant's row is locked (on PostgreSQL) before its runs are
	// counted, so that two replicas accepting runs of one merchant at once
	// count one after the other and the bound is exact.
	qLockMerchantRuns = lockedRead("FOR NO KEY UPDATE", `SELECT id FROM merchants WHERE id = ?`)
	qRunsInProgress   = sqlQuery(`SELECT count(*) FROM tests WHERE merchant_id = ? AND status = 'RUNNING'`)

	qClaimedTests = sqlQuery(`SELECT id FROM tests WHERE status = 'RUNNING' AND replica_id = ?`)

	qInterruptQueuedIfAlone = sqlQuery(`UPDATE tests SET status = ?, reason = ?, message = ?, completed_at = ?
		WHERE status = 'RUNNING' AND replica_id = ''
		AND NOT EXISTS (SELECT 1 FROM replicas WHERE id <> ? AND alive_until >= ?)
		RETURNING id`)
)

// ClaimTest claims the next queued run for replica and returns it;
// ErrNotFound when none is queued (or every queued one is being claimed by
// another replica right now).
func (t *Tx) ClaimTest(ctx context.Context, replica string) (Test, error) {
	if t.db.pg != nil {
		return scanTest(&row{r: t.tx.QueryRowContext(ctx, pgClaimTest, replica), db: t.db})
	}
	return scanTest(t.queryRow(ctx, qClaimTest, replica))
}

// ClaimedTests lists the ids of the RUNNING runs claimed by replica.
func (t *Tx) ClaimedTests(ctx context.Context, replica string) ([]string, error) {
	return t.ids(ctx, qClaimedTests, replica)
}

// RunsInProgress counts the merchant's runs queued or claimed, for a bound
// checked before a new one is recorded in the same transaction.
func (t *Tx) RunsInProgress(ctx context.Context, merchant string) (int, error) {
	var id string
	if err := t.queryRow(ctx, qLockMerchantRuns, merchant).Scan(&id); err != nil {
		return 0, err
	}
	var n int
	err := t.queryRow(ctx, qRunsInProgress, merchant).Scan(&n)
	return n, err
}

// InterruptQueuedRunsIfAlone finishes as interrupted every queued run when
// no replica but self is alive at now: nobody is left to claim them. On
// SQLite, where one process serves the file, that is always so.
func (t *Tx) InterruptQueuedRunsIfAlone(ctx context.Context, self, message string, now time.Time) ([]string, error) {
	return t.finishRuns(ctx, qInterruptQueuedIfAlone,
		string(jwo.TestUnsuccessful), string(jwo.ReasonInterrupted), message, formatTime(now), self, formatTime(now))
}

// finishRuns runs an UPDATE ... RETURNING id that finishes runs, and
// announces them finished.
func (t *Tx) finishRuns(ctx context.Context, query string, args ...any) ([]string, error) {
	ids, err := t.ids(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return ids, t.notifyFinished(ctx, ids...)
}

// ids runs a query of one id column and returns the ids.
func (t *Tx) ids(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// runQueuedChannel is the PostgreSQL channel on which the commit of a new
// queued run is announced, so that idle workers of every replica claim it.
const runQueuedChannel = "jwo_run_queued"

// notifyQueued announces, at commit, that a run is queued. SQLite's one
// process wakes its own workers.
func (t *Tx) notifyQueued(ctx context.Context) error {
	if t.db.pg == nil {
		return nil
	}
	_, err := t.tx.ExecContext(ctx, "SELECT pg_notify($1, '')", runQueuedChannel)
	return t.db.classify(err)
}
