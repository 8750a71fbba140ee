package portal

import (
	"context"
	"errors"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// Catalog pages through a store's catalog in SKU order, at most size items
// after the SKU after; sku, when set, looks up that one item. next is the
// cursor of the next page ("" on the last).
func (s *Service) Catalog(ctx context.Context, c Caller, storeID, sku string, size int, after string) (items []jwo.CatalogItem, next string, err error) {
	size = pageSize(size)
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := storeFor(ctx, tx, c, storeID, 0); err != nil {
			return err
		}
		got, err := tx.CatalogItems(ctx, c.pr.merchant, storeID, after, sku, size+1)
		items, next = pageOf(got, size, func(it jwo.CatalogItem) string { return it.SKU })
		return err
	})
	return items, next, err
}

// PutCatalogItem creates or replaces the item of a SKU; admin only. A
// barcode maps to one SKU per store, so a barcode another SKU holds is a
// conflict.
func (s *Service) PutCatalogItem(ctx context.Context, c Caller, storeID string, item jwo.CatalogItem) (jwo.CatalogItem, error) {
	now := s.now()
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := storeFor(ctx, tx, c, storeID, WriteCatalog); err != nil {
			return err
		}
		if errs := jwo.ValidateCatalogItem(item); len(errs) > 0 {
			return invalid(errs)
		}
		before, changed, err := putItem(ctx, tx, c.pr.merchant, storeID, item)
		if err != nil || !changed {
			return err
		}
		return recordChange(ctx, tx, change{merchant: c.pr.merchant, actor: c.pr.actor(), action: jwo.ActionCatalogPut,
			storeID: storeID, before: before, after: item, at: now})
	})
	return item, err
}

// putItem writes an item unless the store has it exactly so already. It
// returns the item it replaced (nil when there was none) and whether it
// wrote, so that callers audit real changes only.
func putItem(ctx context.Context, tx *store.Tx, merchant, storeID string, item jwo.CatalogItem) (before any, changed bool, err error) {
	inUse := func(owner string) error {
		return conflict("barcode-in-use", "barcode %q is already the barcode of SKU %q in store %q: a barcode maps to one SKU", item.Barcode, owner, storeID)
	}
	owner, err := tx.SKUForBarcode(ctx, merchant, storeID, item.Barcode)
	switch {
	case err == nil && owner != item.SKU:
		return nil, false, inUse(owner)
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return nil, false, err
	}
	old, err := tx.CatalogItem(ctx, merchant, storeID, item.SKU)
	switch {
	case err == nil && old == item:
		return nil, false, nil
	case err == nil:
		before = old
	case !errors.Is(err, store.ErrNotFound):
		return nil, false, err
	}
	if err := tx.PutCatalogItem(ctx, merchant, storeID, item); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, false, inUse("another")
		}
		return nil, false, err
	}
	return before, true, nil
}
