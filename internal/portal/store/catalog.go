package store

import (
	"context"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

var (
	qCatalogItem = lockedRead("FOR UPDATE", `SELECT sku, barcode, barcode_type, name FROM catalog_items
		WHERE merchant_id = ? AND store_id = ? AND sku = ?`)
	qSKUForBarcode  = lockedRead("FOR UPDATE", `SELECT sku FROM catalog_items WHERE merchant_id = ? AND store_id = ? AND barcode = ?`)
	qPutCatalogItem = sqlQuery(`INSERT INTO catalog_items (merchant_id, store_id, sku, barcode, barcode_type, name) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (merchant_id, store_id, sku) DO UPDATE SET barcode = excluded.barcode, barcode_type = excluded.barcode_type, name = excluded.name`)
	qCatalogItems = sqlQuery(`SELECT sku, barcode, barcode_type, name FROM catalog_items
		WHERE merchant_id = ? AND store_id = ? AND sku > ? AND (? = '' OR sku = ?)
		ORDER BY sku LIMIT ?`)
)

func scanItem(s scanner) (jwo.CatalogItem, error) {
	var it jwo.CatalogItem
	var typ string
	if err := s.Scan(&it.SKU, &it.Barcode, &typ, &it.Name); err != nil {
		return jwo.CatalogItem{}, err
	}
	it.BarcodeType = jwo.BarcodeType(typ)
	return it, nil
}

// CatalogItem reads one item of a store's catalog.
func (t *Tx) CatalogItem(ctx context.Context, merchant, storeID, sku string) (jwo.CatalogItem, error) {
	return scanItem(t.queryRow(ctx, qCatalogItem, merchant, storeID, sku))
}

// SKUForBarcode returns the SKU that holds a barcode in a store's catalog.
func (t *Tx) SKUForBarcode(ctx context.Context, merchant, storeID, barcode string) (string, error) {
	var sku string
	err := t.queryRow(ctx, qSKUForBarcode,
		merchant, storeID, barcode).Scan(&sku)
	return sku, err
}

// PutCatalogItem creates or replaces an item; ErrConflict when its barcode
// belongs to another SKU of the store.
func (t *Tx) PutCatalogItem(ctx context.Context, merchant, storeID string, it jwo.CatalogItem) error {
	_, err := t.exec(ctx, qPutCatalogItem,
		merchant, storeID, it.SKU, it.Barcode, string(it.BarcodeType), it.Name)
	return err
}

// CatalogItems lists up to limit items of a store after the given SKU, in
// SKU order; a non-empty sku narrows the list to that one item.
func (t *Tx) CatalogItems(ctx context.Context, merchant, storeID, after, sku string, limit int) ([]jwo.CatalogItem, error) {
	rows, err := t.query(ctx, qCatalogItems, merchant, storeID, after, sku, sku, limit)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []jwo.CatalogItem
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}
