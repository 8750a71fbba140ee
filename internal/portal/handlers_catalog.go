package portal

import (
	"context"
	"errors"
	"net/http"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

func (p *Portal) listCatalog(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "sku", "page_size", "page_token")
	if err != nil {
		return err
	}
	size, err := p.pageSize(q)
	if err != nil {
		return err
	}
	after, err := decodePageToken(q, "catalog")
	if err != nil {
		return err
	}
	items, next, err := p.Service().Catalog(r.Context(), callerOf(r), r.PathValue("store_id"), q.Get("sku"), size, after)
	if err != nil {
		return err
	}
	page := jwo.CatalogPage{Items: items}
	if next != "" {
		page.NextPageToken = encodePageToken("catalog", next)
	}
	return writeJSON(w, http.StatusOK, page)
}

// putCatalogItem creates or replaces the item of a SKU. A barcode maps to
// one SKU per store, so a barcode another SKU holds is a conflict.
func (p *Portal) putCatalogItem(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pr := principalFrom(ctx)
	id := r.PathValue("store_id")
	if _, err := p.findStore(ctx, pr.merchant, id); err != nil {
		return err
	}
	if err := requireAdmin(pr, "change the catalog"); err != nil {
		return err
	}
	var in jwo.CatalogItemInput
	if err := decodeJSON(r, &in, false); err != nil {
		return err
	}
	item := jwo.CatalogItem{SKU: r.PathValue("sku"), Barcode: in.Barcode, BarcodeType: in.BarcodeType, Name: in.Name}
	if errs := jwo.ValidateCatalogItem(item); len(errs) > 0 {
		return invalid(errs)
	}
	now := p.now()
	err := p.db.Write(ctx, func(tx *store.Tx) error {
		before, changed, err := putItem(ctx, tx, pr.merchant, id, item)
		if err != nil || !changed {
			return err
		}
		return recordChange(ctx, tx, change{merchant: pr.merchant, actor: pr.actor(), action: jwo.ActionCatalogPut,
			storeID: id, before: before, after: item, at: now})
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, item)
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
