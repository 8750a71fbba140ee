package portal

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// seedActor is the actor of the audit events a seed writes.
const seedActor = "seed"

// ApplySeed writes the seed's merchants, stores and catalog items; applying the
// same seed twice changes nothing the second time.
//
// The whole seed is one transaction: it applies completely or not at all.
// Stores and items are upserted; what the database has beyond the seed stays.
func (s *Service) ApplySeed(ctx context.Context, f seed.File) error {
	if err := checkSeed(f); err != nil {
		return err
	}
	now := s.now()
	return s.db.Write(ctx, func(tx *store.Tx) error {
		for _, m := range f.Merchants {
			if _, err := tx.EnsureMerchant(ctx, m.ID, now); err != nil {
				return err
			}
			for _, s := range m.Stores {
				if err := seedStore(ctx, tx, m.ID, s, now); err != nil {
					return fmt.Errorf("merchant %q, store %q: %w", m.ID, s.ID, err)
				}
			}
		}
		return nil
	})
}

func seedStore(ctx context.Context, tx *store.Tx, merchant string, s seed.Store, now time.Time) error {
	prof := normalizeProfile(s.StoreProfile)
	old, err := tx.Store(ctx, merchant, prof.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if err := tx.InsertStore(ctx, merchant, prof, now); err != nil {
			return err
		}
		if err := recordChange(ctx, tx, change{merchant: merchant, actor: seedActor, action: jwo.ActionStoreCreate,
			storeID: prof.ID, after: prof, at: now}); err != nil {
			return err
		}
	case err != nil:
		return err
	case !sameProfile(old, prof):
		if err := tx.UpdateStore(ctx, merchant, prof, now); err != nil {
			return err
		}
		if err := recordChange(ctx, tx, change{merchant: merchant, actor: seedActor, action: jwo.ActionStoreUpdate,
			storeID: prof.ID, before: old, after: prof, at: now}); err != nil {
			return err
		}
	}
	for _, item := range s.Catalog {
		before, changed, err := putItem(ctx, tx, merchant, prof.ID, item)
		if err != nil {
			return fmt.Errorf("catalog item %q: %w", item.SKU, err)
		}
		if !changed {
			continue
		}
		if err := recordChange(ctx, tx, change{merchant: merchant, actor: seedActor, action: jwo.ActionCatalogPut,
			storeID: prof.ID, before: before, after: item, at: now}); err != nil {
			return err
		}
	}
	return nil
}

// checkSeed applies the domain's rules to everything in the seed before
// anything is written; seed.Parse checks them too, but a File can also be
// built in code.
func checkSeed(f seed.File) error {
	var errs []error
	merchants := map[string]bool{}
	for i, m := range f.Merchants {
		at := fmt.Sprintf("merchants[%d]", i)
		if err := jwo.ValidateMerchantID(m.ID); err != nil {
			errs = append(errs, fmt.Errorf("%s.id: %w", at, err))
		}
		if merchants[m.ID] {
			errs = append(errs, fmt.Errorf("%s.id: merchant %q is listed twice", at, m.ID))
		}
		merchants[m.ID] = true
		stores := map[string]bool{}
		for j, s := range m.Stores {
			at := fmt.Sprintf("%s.stores[%d]", at, j)
			for _, fe := range jwo.ValidateStoreProfile(normalizeProfile(s.StoreProfile)) {
				errs = append(errs, fmt.Errorf("%s.%s: %s", at, fe.Field, fe.Message))
			}
			if stores[s.ID] {
				errs = append(errs, fmt.Errorf("%s.id: store %q is listed twice", at, s.ID))
			}
			stores[s.ID] = true
			skus, barcodes := map[string]bool{}, map[string]string{}
			for k, item := range s.Catalog {
				at := fmt.Sprintf("%s.catalog[%d]", at, k)
				for _, fe := range jwo.ValidateCatalogItem(item) {
					errs = append(errs, fmt.Errorf("%s.%s: %s", at, fe.Field, fe.Message))
				}
				if skus[item.SKU] {
					errs = append(errs, fmt.Errorf("%s.sku: SKU %q is listed twice", at, item.SKU))
				}
				if other, ok := barcodes[item.Barcode]; ok && other != item.SKU {
					errs = append(errs, fmt.Errorf("%s.barcode: barcode %q is also the barcode of SKU %q", at, item.Barcode, other))
				}
				skus[item.SKU], barcodes[item.Barcode] = true, item.SKU
			}
		}
	}
	return errors.Join(errs...)
}
