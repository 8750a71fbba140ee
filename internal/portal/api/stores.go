package api

import (
	"net/http"
	"net/url"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

func parseStoreFilter(q url.Values) (f portal.StoreFilter, err error) {
	if f.StoreType, err = enumParam(q, "store_type", "a store type", jwo.StoreTypes); err != nil {
		return f, err
	}
	if f.Completion, err = enumParam(q, "completion_status", "a completion status", jwo.CompletionStatuses); err != nil {
		return f, err
	}
	f.Method, err = enumParam(q, "method", "a connector method", jwo.Methods)
	return f, err
}

func (a *API) listStores(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	f, err := parseStoreFilter(q)
	if err != nil {
		return err
	}
	size, after, err := a.pageParams(r, q, "stores")
	if err != nil {
		return err
	}
	stores, next, err := a.svc.ListStores(r.Context(), callerOf(r), f, size, after)
	if err != nil {
		return err
	}
	token, err := a.nextPageToken(r, "stores", next)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, jwo.StorePage{Stores: stores, NextPageToken: token})
}

func (a *API) getStore(w http.ResponseWriter, r *http.Request) error {
	st, err := a.svc.Store(r.Context(), callerOf(r), r.PathValue("store_id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}

func (a *API) getCompletion(w http.ResponseWriter, r *http.Request) error {
	c, err := a.svc.Completion(r.Context(), callerOf(r), r.PathValue("store_id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (a *API) createStore(w http.ResponseWriter, r *http.Request) error {
	var prof jwo.StoreProfile
	if err := a.decodeWrite(r, &prof, false, "", portal.WriteStore); err != nil {
		return err
	}
	st, err := a.svc.CreateStore(r.Context(), callerOf(r), prof)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/stores/"+st.ID)
	return writeJSON(w, http.StatusCreated, st)
}

func (a *API) patchStore(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("store_id")
	var patch jwo.StorePatch
	if err := a.decodeWrite(r, &patch, false, id, portal.WriteStore); err != nil {
		return err
	}
	st, err := a.svc.PatchStore(r.Context(), callerOf(r), id, patch)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}

// decodeWrite reads the body of a write on store id ("" for a new store).
// A body that cannot be read gives the answer the write would have given
// for the caller's access first, so that a refused write is refused
// whatever it carries; a readable one is checked once, by the write itself.
func (a *API) decodeWrite(r *http.Request, dst any, optional bool, id string, w portal.Write) error {
	err := decodeJSON(r, dst, optional)
	if err == nil {
		return nil
	}
	// A check that fails for another reason (the client went away while
	// its body was read) leaves the body's own error as the answer.
	if denied := a.svc.CheckWrite(r.Context(), callerOf(r), id, w); portal.IsKind(denied, portal.KindNotFound) ||
		portal.IsKind(denied, portal.KindForbidden) || portal.IsKind(denied, portal.KindBadRequest) {
		return denied
	}
	return err
}
