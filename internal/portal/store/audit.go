package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

var (
	qNextAuditSeq = sqlQuery(`UPDATE merchants SET audit_seq = audit_seq + 1 WHERE id = ? RETURNING audit_seq`)
	qInsertAudit  = sqlQuery(`INSERT INTO audit_events (merchant_id, seq, at, actor, action, store_id, method, before, after)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	qAuditEvents = sqlQuery(`SELECT seq, at, actor, action, store_id, method, before, after FROM audit_events
		WHERE merchant_id = ? AND (? = '' OR store_id = ?) AND seq > ? AND (? OR action NOT LIKE 'token.%')
		ORDER BY seq LIMIT ?`)
	qCountAuditEvents = sqlQuery(`SELECT count(*) FROM audit_events WHERE merchant_id = ?`)
	qConnectorWrites  = sqlQuery(`SELECT seq, at, actor, action, method FROM audit_events
		WHERE merchant_id = ? AND store_id = ? AND action IN (?, ?, ?) ORDER BY seq`)
)

func nullJSON(raw json.RawMessage) any {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return string(raw)
}

// InsertAudit appends an event to the merchant's audit log and returns its
// id: the merchant's next number, so ids are 1, 2, 3, ... per merchant and
// never show another merchant's activity.
func (t *Tx) InsertAudit(ctx context.Context, merchant string, e jwo.AuditEvent) (int64, error) {
	var seq int64
	if err := t.queryRow(ctx, qNextAuditSeq, merchant).Scan(&seq); err != nil {
		return 0, err
	}
	_, err := t.exec(ctx, qInsertAudit,
		merchant, seq, formatTime(e.At), e.Actor, e.Action, e.StoreID, string(e.Method), nullJSON(e.Before), nullJSON(e.After))
	if err != nil {
		return 0, err
	}
	return seq, nil
}

// AuditEvents lists up to limit events of the merchant after the given id,
// oldest first, optionally of one store; the token.* events only when
// withTokens. Leaving them out here rather than after the read keeps every
// page full.
func (t *Tx) AuditEvents(ctx context.Context, merchant, storeID string, afterID int64, limit int, withTokens bool) ([]jwo.AuditEvent, error) {
	rows, err := t.query(ctx, qAuditEvents, merchant, storeID, storeID, afterID, withTokens, limit)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []jwo.AuditEvent
	for rows.Next() {
		var e jwo.AuditEvent
		var at, method string
		var before, after sql.NullString
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.StoreID, &method, &before, &after); err != nil {
			return nil, err
		}
		e.Method = jwo.Method(method)
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		if before.Valid {
			e.Before = json.RawMessage(before.String)
		}
		if after.Valid {
			e.After = json.RawMessage(after.String)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CountAuditEvents counts the merchant's events; tests use it to show that
// a no-op wrote nothing.
func (t *Tx) CountAuditEvents(ctx context.Context, merchant string) (int64, error) {
	var n int64
	err := t.queryRow(ctx, qCountAuditEvents, merchant).Scan(&n)
	return n, err
}

// ConnectorWrites lists the events of one store that created, changed or
// deleted a connector, oldest first, without their before and after values:
// who wrote each connector, without reading the store's test runs and other
// events.
func (t *Tx) ConnectorWrites(ctx context.Context, merchant, storeID string) ([]jwo.AuditEvent, error) {
	rows, err := t.query(ctx, qConnectorWrites, merchant, storeID,
		string(jwo.ActionConnectorCreate), string(jwo.ActionConnectorUpdate), string(jwo.ActionConnectorDelete))
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []jwo.AuditEvent
	for rows.Next() {
		e := jwo.AuditEvent{StoreID: storeID}
		var at, method string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &method); err != nil {
			return nil, err
		}
		e.Method = jwo.Method(method)
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
