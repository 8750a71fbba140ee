package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"

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
