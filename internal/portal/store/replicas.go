package store

import (
	"context"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// A replica is one portal process serving the database. Its workers claim
// queued runs (queue.go, Test.ReplicaID) and it renews its lease while it
// serves; the claimed runs of a replica whose lease ran out are finished as
// interrupted by SweepRuns, on whichever replica runs it first. SQLite
// serves one portal process per file, so there a replica that registers
// retires every other: the runs of a process that died are interrupted at
// the next start, without waiting for a lease to run out.

var (
	qRetireOtherReplicas = sqlQuery(`DELETE FROM replicas WHERE id <> ?`)
	qRenewReplica        = sqlQuery(`INSERT INTO replicas (id, started_at, alive_until) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET alive_until = excluded.alive_until`)
	qForgetDeadReplicas = sqlQuery(`DELETE FROM replicas WHERE alive_until < ?`)
	qRetireReplica      = sqlQuery(`DELETE FROM replicas WHERE id = ?`)
	qSweepRuns          = sqlQuery(`UPDATE tests SET status = ?, reason = ?, message = ?, completed_at = ?
		WHERE status = 'RUNNING' AND replica_id <> ''
		AND replica_id NOT IN (SELECT id FROM replicas WHERE alive_until >= ?)
		RETURNING id`)
)

// forgetAfter is how long the row of a replica whose lease ran out is kept:
// long enough for every replica's next sweep to see it gone.
const forgetAfter = time.Hour

// RegisterReplica records a replica that starts serving, alive until
// aliveUntil. On SQLite it retires every other replica of the file.
func (t *Tx) RegisterReplica(ctx context.Context, id string, now, aliveUntil time.Time) error {
	if t.db.pg == nil {
		if _, err := t.exec(ctx, qRetireOtherReplicas, id); err != nil {
			return err
		}
	}
	return t.RenewReplica(ctx, id, now, aliveUntil)
}

// RenewReplica extends a replica's lease (and registers it again if another
// replica had given it up for dead).
func (t *Tx) RenewReplica(ctx context.Context, id string, now, aliveUntil time.Time) error {
	if _, err := t.exec(ctx, qRenewReplica, id, formatTime(now), formatTime(aliveUntil)); err != nil {
		return err
	}
	_, err := t.exec(ctx, qForgetDeadReplicas, formatTime(now.Add(-forgetAfter)))
	return err
}

// RetireReplica removes a replica that stops serving: its runs left RUNNING
// are swept at once, without waiting for its lease to run out.
func (t *Tx) RetireReplica(ctx context.Context, id string) error {
	_, err := t.exec(ctx, qRetireReplica, id)
	return err
}

// SweepRuns finishes as UNSUCCESSFUL, reason interrupted, every claimed
// RUNNING run whose replica is not alive at now, and returns their ids.
// Queued runs are left for any live replica to claim.
func (t *Tx) SweepRuns(ctx context.Context, message string, now time.Time) ([]string, error) {
	return t.finishRuns(ctx, qSweepRuns,
		string(jwo.TestUnsuccessful), string(jwo.ReasonInterrupted), message, formatTime(now), formatTime(now))
}
