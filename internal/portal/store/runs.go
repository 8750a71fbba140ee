package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

var (
	qInsertTest = sqlQuery(`INSERT INTO tests (id, merchant_id, store_id, method, sku, endpoint_url, endpoint_type, status, reason,
		message, http_status, latency_ms, response_excerpt, started_at, completed_at, triggered_by, connector_uid, connector_version,
		idempotency_key, replica_id, suite, cases) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`)
	qTest      = sqlQuery(`SELECT ` + testColumns + ` FROM tests WHERE id = ? AND merchant_id = ?`)
	qTestByKey = lockedRead("FOR UPDATE", `SELECT `+testColumns+` FROM tests
		WHERE merchant_id = ? AND store_id = ? AND method = ? AND idempotency_key = ?`)
	qTests = sqlQuery(`SELECT ` + testColumns + ` FROM tests
		WHERE merchant_id = ? AND store_id = ? AND method = ? ORDER BY seq DESC LIMIT ?`)
	qFinishTest = sqlQuery(`UPDATE tests SET status = ?, reason = ?, message = ?, http_status = ?, latency_ms = ?,
		response_excerpt = ?, completed_at = ?, cases = ? WHERE id = ? AND status = 'RUNNING' AND replica_id = ?`)
	qTestByID = sqlQuery(`SELECT ` + testColumns + ` FROM tests WHERE id = ?`)
)

// Test is a connectivity test run with what the runner needs beyond the API
// fields: its merchant, its place in the history, and which connector
// incarnation and version it tested.
type Test struct {
	jwo.ConnectivityTest
	MerchantID       string
	Seq              int64
	ConnectorUID     string
	ConnectorVersion int64
	IdempotencyKey   string
	// ReplicaID is the replica that claimed the run (queue.go); "" is a run
	// queued, not claimed yet.
	ReplicaID string
}

const testColumns = `seq, id, merchant_id, store_id, method, sku, endpoint_url, endpoint_type, status, reason, message,
	http_status, latency_ms, response_excerpt, started_at, completed_at, triggered_by, connector_uid, connector_version,
	COALESCE(idempotency_key, ''), replica_id, suite, cases`

func scanTest(s scanner) (Test, error) {
	var r Test
	var method, typ, status, reason, started, suite, cases string
	var completed sql.NullString
	if err := s.Scan(&r.Seq, &r.ID, &r.MerchantID, &r.StoreID, &method, &r.SKU, &r.EndpointURL, &typ, &status, &reason, &r.Message,
		&r.HTTPStatus, &r.LatencyMS, &r.ResponseExcerpt, &started, &completed, &r.TriggeredBy, &r.ConnectorUID, &r.ConnectorVersion,
		&r.IdempotencyKey, &r.ReplicaID, &suite, &cases); err != nil {
		return Test{}, err
	}
	r.Suite = jwo.Suite(suite)
	if err := json.Unmarshal([]byte(cases), &r.Cases); err != nil {
		return Test{}, fmt.Errorf("run %s: cases: %w", r.ID, err)
	}
	r.Method = jwo.Method(method)
	r.EndpointType = jwo.EndpointType(typ)
	r.Status = jwo.TestStatus(status)
	r.Reason = jwo.FailureReason(reason)
	var err error
	if r.StartedAt, err = parseTime(started); err != nil {
		return Test{}, err
	}
	if r.CompletedAt, err = parseNullTime(completed); err != nil {
		return Test{}, err
	}
	return r, nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// InsertTest records a new run and returns it with its sequence number. A
// RUNNING run without a replica is queued, and announced to every replica.
func (t *Tx) InsertTest(ctx context.Context, r Test) (Test, error) {
	if r.Suite == "" {
		r.Suite = jwo.SuiteConnectivity
	}
	cases, err := casesJSON(r.Cases)
	if err != nil {
		return Test{}, err
	}
	err = t.queryRow(ctx, qInsertTest,
		r.ID, r.MerchantID, r.StoreID, string(r.Method), r.SKU, r.EndpointURL, string(r.EndpointType), string(r.Status),
		string(r.Reason), r.Message, r.HTTPStatus, r.LatencyMS, r.ResponseExcerpt, formatTime(r.StartedAt), nullTime(r.CompletedAt),
		r.TriggeredBy, r.ConnectorUID, r.ConnectorVersion, nullString(r.IdempotencyKey), r.ReplicaID, string(r.Suite), cases).Scan(&r.Seq)
	if err != nil {
		return Test{}, err
	}
	if r.Status == jwo.TestRunning && r.ReplicaID == "" {
		if err := t.notifyQueued(ctx); err != nil {
			return Test{}, err
		}
	}
	return r, nil
}

// Test reads one run of the merchant.
func (t *Tx) Test(ctx context.Context, merchant, id string) (Test, error) {
	return scanTest(t.queryRow(ctx, qTest, id, merchant))
}

// TestByKey finds the run started with an idempotency key on one connector.
func (t *Tx) TestByKey(ctx context.Context, merchant, storeID string, m jwo.Method, key string) (Test, error) {
	return scanTest(t.queryRow(ctx, qTestByKey, merchant, storeID, string(m), key))
}

// Tests lists the latest runs of one store and method, newest first.
func (t *Tx) Tests(ctx context.Context, merchant, storeID string, m jwo.Method, limit int) ([]Test, error) {
	rows, err := t.query(ctx, qTests, merchant, storeID, string(m), limit)
	if err != nil {
		return nil, err
	}
	return collectTests(rows)
}

// Outcome is how a run finished.
type Outcome struct {
	Status          jwo.TestStatus
	Reason          jwo.FailureReason
	Message         string
	HTTPStatus      int
	LatencyMS       int64
	ResponseExcerpt string
	CompletedAt     time.Time
	Cases           []jwo.Case // a CONFORMANCE run's, in the suite's order
}

// casesJSON is how a run's cases are kept: a JSON array, never null.
func casesJSON(cases []jwo.Case) (string, error) {
	if cases == nil {
		cases = []jwo.Case{}
	}
	b, err := json.Marshal(cases)
	return string(b), err
}

// FinishTest records a run's outcome if it is still RUNNING and claimed by
// replica, and returns the run as it now is. ErrNotFound means it had
// already finished, or is not replica's: the late result of a replica given
// up for dead is dropped.
func (t *Tx) FinishTest(ctx context.Context, id, replica string, o Outcome) (Test, error) {
	cases, err := casesJSON(o.Cases)
	if err != nil {
		return Test{}, err
	}
	res, err := t.exec(ctx, qFinishTest,
		string(o.Status), string(o.Reason), o.Message, o.HTTPStatus, o.LatencyMS, o.ResponseExcerpt, formatTime(o.CompletedAt),
		cases, id, replica)
	if err != nil {
		return Test{}, err
	}
	if err := oneRow(res); err != nil {
		return Test{}, err
	}
	if err := t.notifyFinished(ctx, id); err != nil {
		return Test{}, err
	}
	return scanTest(t.queryRow(ctx, qTestByID, id))
}

// runFinishedChannel is the PostgreSQL channel on which the commit of a
// run's outcome is announced, with the run id as payload (ListenRuns).
const runFinishedChannel = "jwo_run_finished"

// notifyFinished announces, at commit, that the runs have finished, so that
// a Prefer: wait on another replica answers at once. SQLite has one process
// per file, which learns of its own runs without a message.
func (t *Tx) notifyFinished(ctx context.Context, ids ...string) error {
	if t.db.pg == nil {
		return nil
	}
	for _, id := range ids {
		if _, err := t.tx.ExecContext(ctx, "SELECT pg_notify($1, $2)", runFinishedChannel, id); err != nil {
			return t.db.classify(err)
		}
	}
	return nil
}
