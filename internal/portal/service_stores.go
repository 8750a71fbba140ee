package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// StoreFilter narrows a list of stores; an empty field matches every store.
type StoreFilter struct {
	StoreType  jwo.StoreType
	Completion jwo.CompletionStatus
	Method     jwo.Method
}

func (f StoreFilter) match(s jwo.Store) bool {
	if f.Completion != "" && s.CompletionStatus != f.Completion {
		return false
	}
	if f.Method != "" {
		found := false
		for _, m := range s.RequiredMethods {
			found = found || m == f.Method
		}
		return found
	}
	return true
}

// ListStores pages through the caller's stores in id order: at most size
// stores after the id after (a page token's cursor), and the cursor of the
// next page ("" on the last). Completion and required methods are derived
// (never stored), so the completion and method filters apply after reading;
// stores are read in batches, each batch's connector methods in one query,
// until the page is full.
func (s *Service) ListStores(ctx context.Context, c Caller, f StoreFilter, size int, after string) (stores []jwo.Store, next string, err error) {
	size = pageSize(size)
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		var found []jwo.Store
		batch := size + 1
		cursor := after
		for len(found) <= size {
			profiles, err := tx.Stores(ctx, c.pr.merchant, cursor, f.StoreType, batch)
			if err != nil {
				return err
			}
			if len(profiles) == 0 {
				break
			}
			configured, err := tx.ConfiguredMethods(ctx, c.pr.merchant, profiles[0].ID, profiles[len(profiles)-1].ID)
			if err != nil {
				return err
			}
			for _, prof := range profiles {
				if st := jwo.NewStore(prof, configured[prof.ID]); f.match(st) && len(found) <= size {
					found = append(found, st)
				}
			}
			if len(profiles) < batch {
				break
			}
			cursor = profiles[len(profiles)-1].ID
		}
		stores, next = pageOf(found, size, func(st jwo.Store) string { return st.ID })
		return nil
	})
	return stores, next, err
}

// Store reads one store of the caller's merchant, with its derived fields.
func (s *Service) Store(ctx context.Context, c Caller, id string) (jwo.Store, error) {
	var st jwo.Store
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		prof, err := storeFor(ctx, tx, c, id, 0)
		if err != nil {
			return err
		}
		configured, err := configuredMethods(ctx, tx, c.pr.merchant, id)
		st = jwo.NewStore(prof, configured)
		return err
	})
	return st, err
}

// Completion is the completion status of one store: what is required, what
// is configured, what is missing.
func (s *Service) Completion(ctx context.Context, c Caller, id string) (jwo.Completion, error) {
	var comp jwo.Completion
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		prof, err := storeFor(ctx, tx, c, id, 0)
		if err != nil {
			return err
		}
		configured, err := configuredMethods(ctx, tx, c.pr.merchant, id)
		comp = jwo.DeriveCompletion(prof, configured)
		return err
	})
	return comp, err
}

// CreateStore creates a store in the caller's merchant; admin only. A store
// of that id is a conflict: a change goes through PatchStore.
func (s *Service) CreateStore(ctx context.Context, c Caller, prof jwo.StoreProfile) (jwo.Store, error) {
	if err := requireAdmin(c, "create stores"); err != nil {
		return jwo.Store{}, err
	}
	prof = normalizeProfile(prof)
	if errs := jwo.ValidateStoreProfile(prof); len(errs) > 0 {
		return jwo.Store{}, invalid(errs)
	}
	now := s.now()
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Store(ctx, c.pr.merchant, prof.ID); err == nil {
			return conflict("store-exists", "store %q already exists: change it with PATCH /v1/stores/%s", prof.ID, prof.ID)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := tx.InsertStore(ctx, c.pr.merchant, prof, now); err != nil {
			return err
		}
		return recordChange(ctx, tx, change{merchant: c.pr.merchant, actor: c.pr.actor(), action: jwo.ActionStoreCreate,
			storeID: prof.ID, after: prof, at: now})
	})
	if err != nil {
		return jwo.Store{}, err
	}
	return jwo.NewStore(prof, nil), nil
}

// PatchStore changes the fields of a store that patch sets; admin only. A
// patch that changes nothing writes nothing, not even an audit event.
func (s *Service) PatchStore(ctx context.Context, c Caller, id string, patch jwo.StorePatch) (jwo.Store, error) {
	now := s.now()
	var st jwo.Store
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		before, err := storeFor(ctx, tx, c, id, WriteStore)
		if err != nil {
			return err
		}
		after := normalizeProfile(patch.Apply(before))
		if errs := jwo.ValidateStoreProfile(after); len(errs) > 0 {
			return invalid(errs)
		}
		configured, err := configuredMethods(ctx, tx, c.pr.merchant, id)
		if err != nil {
			return err
		}
		st = jwo.NewStore(after, configured)
		if sameProfile(before, after) {
			return nil
		}
		if err := tx.UpdateStore(ctx, c.pr.merchant, after, now); err != nil {
			return err
		}
		return recordChange(ctx, tx, change{merchant: c.pr.merchant, actor: c.pr.actor(), action: jwo.ActionStoreUpdate,
			storeID: id, before: before, after: after, at: now})
	})
	return st, err
}

// configuredMethods are the methods of one store with a saved connector.
func configuredMethods(ctx context.Context, tx *store.Tx, merchant, id string) ([]jwo.Method, error) {
	m, err := tx.ConfiguredMethods(ctx, merchant, id, id)
	return m[id], err
}

// normalizeProfile gives a profile the form it is stored and compared in.
func normalizeProfile(prof jwo.StoreProfile) jwo.StoreProfile {
	if prof.EntryMethods == nil {
		prof.EntryMethods = []jwo.EntryMethod{}
	}
	return prof
}

func sameProfile(a, b jwo.StoreProfile) bool {
	ja, _ := json.Marshal(normalizeProfile(a))
	jb, _ := json.Marshal(normalizeProfile(b))
	return bytes.Equal(ja, jb)
}

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
