package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// findStore reads a store of the caller's merchant: 404 for a store that
// does not exist and for another merchant's store alike. Handlers call it
// before any role check so that a viewer learns nothing about other
// merchants' stores from a 403.
func (p *Portal) findStore(ctx context.Context, merchant, id string) (jwo.StoreProfile, error) {
	var prof jwo.StoreProfile
	err := p.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		prof, err = loadStore(ctx, tx, merchant, id)
		return err
	})
	return prof, err
}

func loadStore(ctx context.Context, tx *store.Tx, merchant, id string) (jwo.StoreProfile, error) {
	if err := jwo.ValidateStoreID(id); err != nil {
		// No store can have such an id: the request itself is wrong.
		return jwo.StoreProfile{}, badRequest("%v", err)
	}
	prof, err := tx.Store(ctx, merchant, id)
	if errors.Is(err, store.ErrNotFound) {
		return jwo.StoreProfile{}, notFound("store %q does not exist", id)
	}
	return prof, err
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

func parseStoreFilter(q url.Values) (f StoreFilter, err error) {
	if f.StoreType, err = enumParam(q, "store_type", "a store type", jwo.StoreTypes); err != nil {
		return f, err
	}
	if f.Completion, err = enumParam(q, "completion_status", "a completion status", jwo.CompletionStatuses); err != nil {
		return f, err
	}
	f.Method, err = enumParam(q, "method", "a connector method", jwo.Methods)
	return f, err
}

func (p *Portal) listStores(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "store_type", "completion_status", "method", "page_size", "page_token")
	if err != nil {
		return err
	}
	f, err := parseStoreFilter(q)
	if err != nil {
		return err
	}
	size, err := p.pageSize(q)
	if err != nil {
		return err
	}
	after, err := decodePageToken(q, "stores")
	if err != nil {
		return err
	}
	stores, next, err := p.Service().ListStores(r.Context(), callerOf(r), f, size, after)
	if err != nil {
		return err
	}
	page := jwo.StorePage{Stores: stores}
	if next != "" {
		page.NextPageToken = encodePageToken("stores", next)
	}
	return writeJSON(w, http.StatusOK, page)
}

func (p *Portal) getStore(w http.ResponseWriter, r *http.Request) error {
	st, err := p.Service().Store(r.Context(), callerOf(r), r.PathValue("store_id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}

func (p *Portal) getCompletion(w http.ResponseWriter, r *http.Request) error {
	c, err := p.Service().Completion(r.Context(), callerOf(r), r.PathValue("store_id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (p *Portal) createStore(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pr := principalFrom(ctx)
	if err := requireAdmin(pr, "create stores"); err != nil {
		return err
	}
	var prof jwo.StoreProfile
	if err := decodeJSON(r, &prof, false); err != nil {
		return err
	}
	prof = normalizeProfile(prof)
	if errs := jwo.ValidateStoreProfile(prof); len(errs) > 0 {
		return invalid(errs)
	}
	now := p.now()
	err := p.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Store(ctx, pr.merchant, prof.ID); err == nil {
			return conflict("store-exists", "store %q already exists: change it with PATCH /v1/stores/%s", prof.ID, prof.ID)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := tx.InsertStore(ctx, pr.merchant, prof, now); err != nil {
			return err
		}
		return recordChange(ctx, tx, change{merchant: pr.merchant, actor: pr.actor(), action: jwo.ActionStoreCreate,
			storeID: prof.ID, after: prof, at: now})
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/stores/"+prof.ID)
	return writeJSON(w, http.StatusCreated, jwo.NewStore(prof, nil))
}

func (p *Portal) patchStore(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pr := principalFrom(ctx)
	id := r.PathValue("store_id")
	if _, err := p.findStore(ctx, pr.merchant, id); err != nil {
		return err
	}
	if err := requireAdmin(pr, "change stores"); err != nil {
		return err
	}
	var patch jwo.StorePatch
	if err := decodeJSON(r, &patch, false); err != nil {
		return err
	}
	now := p.now()
	var st jwo.Store
	err := p.db.Write(ctx, func(tx *store.Tx) error {
		before, err := loadStore(ctx, tx, pr.merchant, id)
		if err != nil {
			return err
		}
		after := normalizeProfile(patch.Apply(before))
		if errs := jwo.ValidateStoreProfile(after); len(errs) > 0 {
			return invalid(errs)
		}
		configured, err := configuredMethods(ctx, tx, pr.merchant, id)
		if err != nil {
			return err
		}
		st = jwo.NewStore(after, configured)
		if sameProfile(before, after) {
			return nil
		}
		if err := tx.UpdateStore(ctx, pr.merchant, after, now); err != nil {
			return err
		}
		return recordChange(ctx, tx, change{merchant: pr.merchant, actor: pr.actor(), action: jwo.ActionStoreUpdate,
			storeID: id, before: before, after: after, at: now})
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}
