package portal

import (
	"context"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
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
	size = max(1, min(size, maxPageSize))
	stores = []jwo.Store{}
	err = s.p.db.Read(ctx, func(tx *store.Tx) error {
		var found []jwo.Store
		batch := size + 1
		cursor := after
		for len(found) <= size {
			profiles, err := tx.Stores(ctx, c.pr.merchant, cursor, f.StoreType, batch)
			if err != nil || len(profiles) == 0 {
				return err
			}
			configured, err := tx.ConfiguredMethods(ctx, c.pr.merchant, profiles[0].ID, profiles[len(profiles)-1].ID)
			if err != nil {
				return err
			}
			for _, prof := range profiles {
				if st := jwo.NewStore(prof, configured[prof.ID]); f.match(st) {
					found = append(found, st)
					if len(found) > size {
						break
					}
				}
			}
			if len(profiles) < batch {
				break
			}
			cursor = profiles[len(profiles)-1].ID
		}
		if len(found) > size {
			found = found[:size]
			next = found[size-1].ID
		}
		if found != nil {
			stores = found
		}
		return nil
	})
	return stores, next, err
}

// Store reads one store of the caller's merchant, with its derived fields.
func (s *Service) Store(ctx context.Context, c Caller, id string) (jwo.Store, error) {
	var st jwo.Store
	err := s.p.db.Read(ctx, func(tx *store.Tx) error {
		prof, err := loadStore(ctx, tx, c.pr.merchant, id)
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
	err := s.p.db.Read(ctx, func(tx *store.Tx) error {
		prof, err := loadStore(ctx, tx, c.pr.merchant, id)
		if err != nil {
			return err
		}
		configured, err := configuredMethods(ctx, tx, c.pr.merchant, id)
		comp = jwo.DeriveCompletion(prof, configured)
		return err
	})
	return comp, err
}

// Catalog pages through a store's catalog in SKU order, at most size items
// after the SKU after; sku, when set, looks up that one item. next is the
// cursor of the next page ("" on the last).
func (s *Service) Catalog(ctx context.Context, c Caller, storeID, sku string, size int, after string) (items []jwo.CatalogItem, next string, err error) {
	size = max(1, min(size, maxPageSize))
	items = []jwo.CatalogItem{}
	err = s.p.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := loadStore(ctx, tx, c.pr.merchant, storeID); err != nil {
			return err
		}
		got, err := tx.CatalogItems(ctx, c.pr.merchant, storeID, after, sku, size+1)
		if err != nil {
			return err
		}
		if len(got) > size {
			got = got[:size]
			next = got[size-1].SKU
		}
		if got != nil {
			items = got
		}
		return nil
	})
	return items, next, err
}

// Audit pages through the caller's audit log, oldest first: at most size
// events after the event id after, of one store when storeID is set (a store
// the merchant does not have simply matches no events). next is the id to
// continue after (0 on the last page).
func (s *Service) Audit(ctx context.Context, c Caller, storeID string, size int, after int64) (events []jwo.AuditEvent, next int64, err error) {
	if storeID != "" {
		if err := jwo.ValidateStoreID(storeID); err != nil {
			return nil, 0, badRequest("store_id: %v", err)
		}
	}
	size = max(1, min(size, maxPageSize))
	events = []jwo.AuditEvent{}
	err = s.p.db.Read(ctx, func(tx *store.Tx) error {
		got, err := tx.AuditEvents(ctx, c.pr.merchant, storeID, after, size+1)
		if err != nil {
			return err
		}
		if len(got) > size {
			got = got[:size]
			next = got[size-1].ID
		}
		if got != nil {
			events = got
		}
		return nil
	})
	return events, next, err
}

// ConnectorWrites lists who created, changed or deleted the connectors of
// one of the caller's stores, oldest first (the audit events of those
// actions, without their before and after values).
func (s *Service) ConnectorWrites(ctx context.Context, c Caller, storeID string) (events []jwo.AuditEvent, err error) {
	err = s.p.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := loadStore(ctx, tx, c.pr.merchant, storeID); err != nil {
			return err
		}
		events, err = tx.ConnectorWrites(ctx, c.pr.merchant, storeID)
		return err
	})
	return events, err
}
