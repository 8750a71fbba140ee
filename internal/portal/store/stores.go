package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

var (
	qStore       = lockedRead("FOR SHARE", `SELECT `+storeColumns+` FROM stores WHERE merchant_id = ? AND id = ?`)
	qInsertStore = sqlQuery(`INSERT INTO stores (merchant_id, ` + storeColumns + `, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	qUpdateStore = sqlQuery(`UPDATE stores SET name = ?, store_type = ?, region = ?, entry_methods = ?, fraud_and_abuse_strategy = ?,
		order_delegation = ?, loyalty_program = ?, updated_at = ? WHERE merchant_id = ? AND id = ?`)
	qStores = sqlQuery(`SELECT ` + storeColumns + ` FROM stores
		WHERE merchant_id = ? AND id > ? AND (? = '' OR store_type = ?)
		ORDER BY id LIMIT ?`)
	qConfiguredMethods = sqlQuery(`SELECT store_id, method FROM connectors
		WHERE merchant_id = ? AND store_id >= ? AND store_id <= ?`)
)

const storeColumns = `id, name, store_type, region, entry_methods, fraud_and_abuse_strategy, order_delegation, loyalty_program`

type scanner interface{ Scan(dest ...any) error }

func scanStore(s scanner) (jwo.StoreProfile, error) {
	var p jwo.StoreProfile
	var storeType, entry, fraud string
	var order, loyalty int
	if err := s.Scan(&p.ID, &p.Name, &storeType, &p.Region, &entry, &fraud, &order, &loyalty); err != nil {
		return jwo.StoreProfile{}, err
	}
	p.StoreType = jwo.StoreType(storeType)
	p.FraudAndAbuseStrategy = jwo.FraudStrategy(fraud)
	p.OrderDelegation = order != 0
	p.LoyaltyProgram = loyalty != 0
	p.EntryMethods = []jwo.EntryMethod{}
	if err := json.Unmarshal([]byte(entry), &p.EntryMethods); err != nil {
		return jwo.StoreProfile{}, fmt.Errorf("store %q: stored entry_methods: %w", p.ID, err)
	}
	return p, nil
}

func entryMethodsJSON(p jwo.StoreProfile) (string, error) {
	em := p.EntryMethods
	if em == nil {
		em = []jwo.EntryMethod{}
	}
	b, err := json.Marshal(em)
	return string(b), err
}

// Store reads one store of the merchant.
func (t *Tx) Store(ctx context.Context, merchant, id string) (jwo.StoreProfile, error) {
	return scanStore(t.queryRow(ctx, qStore, merchant, id))
}

// InsertStore creates a store; ErrConflict when the merchant has it already.
func (t *Tx) InsertStore(ctx context.Context, merchant string, p jwo.StoreProfile, now time.Time) error {
	em, err := entryMethodsJSON(p)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, qInsertStore,
		merchant, p.ID, p.Name, string(p.StoreType), p.Region, em, string(p.FraudAndAbuseStrategy),
		boolInt(p.OrderDelegation), boolInt(p.LoyaltyProgram), formatTime(now), formatTime(now))
	return err
}

// UpdateStore replaces a store's profile.
func (t *Tx) UpdateStore(ctx context.Context, merchant string, p jwo.StoreProfile, now time.Time) error {
	em, err := entryMethodsJSON(p)
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, qUpdateStore,
		p.Name, string(p.StoreType), p.Region, em, string(p.FraudAndAbuseStrategy),
		boolInt(p.OrderDelegation), boolInt(p.LoyaltyProgram), formatTime(now), merchant, p.ID)
	if err != nil {
		return err
	}
	return oneRow(res)
}

// Stores lists up to limit stores of the merchant with ids after the given
// one, in id order, optionally of one store type.
func (t *Tx) Stores(ctx context.Context, merchant, after string, storeType jwo.StoreType, limit int) ([]jwo.StoreProfile, error) {
	rows, err := t.query(ctx, qStores, merchant, after, string(storeType), string(storeType), limit)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []jwo.StoreProfile
	for rows.Next() {
		p, err := scanStore(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ConfiguredMethods returns, per store id in [fromID, toID], the methods
// that have a saved connector: one query for a whole page of stores.
func (t *Tx) ConfiguredMethods(ctx context.Context, merchant, fromID, toID string) (map[string][]jwo.Method, error) {
	rows, err := t.query(ctx, qConfiguredMethods, merchant, fromID, toID)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	out := map[string][]jwo.Method{}
	for rows.Next() {
		var id, m string
		if err := rows.Scan(&id, &m); err != nil {
			return nil, err
		}
		out[id] = append(out[id], jwo.Method(m))
	}
	return out, rows.Err()
}
