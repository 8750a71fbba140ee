package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

var (
	qConnector = lockedRead("FOR UPDATE", `SELECT `+connectorColumns+` FROM connectors
		WHERE merchant_id = ? AND store_id = ? AND method = ?`)
	qConnectors = sqlQuery(`SELECT ` + connectorColumns + ` FROM connectors
		WHERE merchant_id = ? AND store_id = ?`)
	qInsertConnector = sqlQuery(`INSERT INTO connectors (merchant_id, ` + connectorColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	qUpdateConnector = sqlQuery(`UPDATE connectors SET endpoint_url = ?, endpoint_type = ?, connectivity_status = ?, version = ?,
		updated_at = ?, updated_by = ?, last_changed_via = ? WHERE merchant_id = ? AND store_id = ? AND method = ? AND uid = ?`)
	qDeleteConnector = sqlQuery(`DELETE FROM connectors WHERE merchant_id = ? AND store_id = ? AND method = ?`)
	qSetLastTest     = sqlQuery(`UPDATE connectors SET last_test_id = ? WHERE merchant_id = ? AND store_id = ? AND method = ? AND uid = ?`)
	qApplyRunStatus  = sqlQuery(`UPDATE connectors SET connectivity_status = ?
		WHERE merchant_id = ? AND store_id = ? AND method = ? AND uid = ? AND version = ?
		AND NOT EXISTS (SELECT 1 FROM tests
			WHERE tests.merchant_id = connectors.merchant_id AND tests.store_id = connectors.store_id
			AND tests.method = connectors.method AND tests.seq > ? AND tests.status <> 'RUNNING' AND tests.reason <> ?)`)
)

// Connector is a saved connector and the identity of this incarnation of it.
type Connector struct {
	jwo.Connector
	UID string
}

const connectorColumns = `store_id, method, uid, endpoint_url, endpoint_type, connectivity_status, last_test_id, version, created_at, updated_at, updated_by, last_changed_via`

func scanConnector(s scanner) (Connector, error) {
	var c Connector
	var method, typ, status, created, updated, via string
	if err := s.Scan(&c.StoreID, &method, &c.UID, &c.EndpointURL, &typ, &status, &c.LastTestID, &c.Version, &created, &updated, &c.UpdatedBy, &via); err != nil {
		return Connector{}, err
	}
	c.LastChangedVia = jwo.ChangeSource(via)
	c.Method = jwo.Method(method)
	c.EndpointType = jwo.EndpointType(typ)
	c.ConnectivityStatus = jwo.ConnectivityStatus(status)
	var err error
	if c.CreatedAt, err = parseTime(created); err != nil {
		return Connector{}, err
	}
	if c.UpdatedAt, err = parseTime(updated); err != nil {
		return Connector{}, err
	}
	return c, nil
}

// Connector reads one connector of a store.
func (t *Tx) Connector(ctx context.Context, merchant, storeID string, m jwo.Method) (Connector, error) {
	return scanConnector(t.queryRow(ctx, qConnector, merchant, storeID, string(m)))
}

// Connectors lists a store's connectors in the order of jwo.Methods.
func (t *Tx) Connectors(ctx context.Context, merchant, storeID string) ([]Connector, error) {
	rows, err := t.query(ctx, qConnectors, merchant, storeID)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []Connector
	for rows.Next() {
		c, err := scanConnector(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Connector) int {
		return slices.Index(jwo.Methods, a.Method) - slices.Index(jwo.Methods, b.Method)
	})
	return out, nil
}

// InsertConnector saves a new connector.
func (t *Tx) InsertConnector(ctx context.Context, merchant string, c Connector) error {
	_, err := t.exec(ctx, qInsertConnector,
		merchant, c.StoreID, string(c.Method), c.UID, c.EndpointURL, string(c.EndpointType), string(c.ConnectivityStatus),
		c.LastTestID, c.Version, formatTime(c.CreatedAt), formatTime(c.UpdatedAt), c.UpdatedBy, string(c.LastChangedVia))
	return err
}

// UpdateConnector replaces the configuration of an existing connector.
func (t *Tx) UpdateConnector(ctx context.Context, merchant string, c Connector) error {
	res, err := t.exec(ctx, qUpdateConnector,
		c.EndpointURL, string(c.EndpointType), string(c.ConnectivityStatus), c.Version,
		formatTime(c.UpdatedAt), c.UpdatedBy, string(c.LastChangedVia), merchant, c.StoreID, string(c.Method), c.UID)
	if err != nil {
		return err
	}
	return oneRow(res)
}

// DeleteConnector removes a connector; its test history stays.
func (t *Tx) DeleteConnector(ctx context.Context, merchant, storeID string, m jwo.Method) error {
	res, err := t.exec(ctx, qDeleteConnector, merchant, storeID, string(m))
	if err != nil {
		return err
	}
	return oneRow(res)
}

// SetLastTest points the connector at the run just started.
func (t *Tx) SetLastTest(ctx context.Context, merchant, storeID string, m jwo.Method, uid, testID string) error {
	res, err := t.exec(ctx, qSetLastTest,
		testID, merchant, storeID, string(m), uid)
	if err != nil {
		return err
	}
	return oneRow(res)
}

// ApplyRunStatus sets the connectivity status that a finished run found,
// but only while the connector is still the incarnation and version the run
// tested, and no later-started run of it has finished with a verdict: an
// endpoint changed since the run stays UNTESTED, and an older run finishing
// late does not overwrite a newer result. It reports whether it changed the
// connector.
func (t *Tx) ApplyRunStatus(ctx context.Context, run Test, status jwo.ConnectivityStatus) (bool, error) {
	if t.db.pg != nil {
		// Lock the connector first, so that the statement below, which
		// gets its own snapshot once the lock is held, sees a later run
		// that another replica finished meanwhile.
		if _, err := t.Connector(ctx, run.MerchantID, run.StoreID, run.Method); err != nil && !errors.Is(err, ErrNotFound) {
			return false, err
		}
	}
	res, err := t.exec(ctx, qApplyRunStatus,
		string(status), run.MerchantID, run.StoreID, string(run.Method), run.ConnectorUID, run.ConnectorVersion,
		run.Seq, string(jwo.ReasonInterrupted))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// ConnectorQuery selects connectors of one merchant across its stores, in
// (store_id, method) order after a cursor. An empty field matches everything.
type ConnectorQuery struct {
	StoreIDs           []string
	Method             jwo.Method
	StoreType          jwo.StoreType
	ConnectivityStatus jwo.ConnectivityStatus
	LastChangedVia     jwo.ChangeSource
	AfterStoreID       string // cursor: the last row of the previous page
	AfterMethod        jwo.Method
	Limit              int
}

// The store id list fills a fixed number of placeholders, the unused ones
// with "" (never a store id), so that one statement serves every list on
// both engines.
var qMerchantConnectors = sqlQuery(`SELECT ` + connectorColumns + ` FROM connectors
	WHERE merchant_id = ? AND (store_id > ? OR (store_id = ? AND method > ?))
	AND (? = '' OR method = ?)
	AND (? = '' OR connectivity_status = ?)
	AND (? = '' OR last_changed_via = ?)
	AND (? = '' OR store_id IN (SELECT id FROM stores WHERE stores.merchant_id = connectors.merchant_id AND store_type = ?))
	AND (? = 0 OR store_id IN (?` + strings.Repeat(", ?", jwo.MaxFilterStoreIDs-1) + `))
	ORDER BY store_id, method LIMIT ?`)

// MerchantConnectors lists the merchant's connectors that match q, at most
// q.Limit of them, walking the primary key in order.
func (t *Tx) MerchantConnectors(ctx context.Context, merchant string, q ConnectorQuery) ([]Connector, error) {
	if len(q.StoreIDs) > jwo.MaxFilterStoreIDs {
		return nil, fmt.Errorf("%d store ids in one query; the limit is %d", len(q.StoreIDs), jwo.MaxFilterStoreIDs)
	}
	args := []any{merchant, q.AfterStoreID, q.AfterStoreID, string(q.AfterMethod),
		string(q.Method), string(q.Method), string(q.ConnectivityStatus), string(q.ConnectivityStatus),
		string(q.LastChangedVia), string(q.LastChangedVia), string(q.StoreType), string(q.StoreType), len(q.StoreIDs)}
	args = idSlots(args, q.StoreIDs, jwo.MaxFilterStoreIDs)
	rows, err := t.query(ctx, qMerchantConnectors, append(args, q.Limit)...)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	out := make([]Connector, 0, q.Limit)
	for rows.Next() {
		c, err := scanConnector(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
