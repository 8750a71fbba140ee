package api

import (
	"net/http"
	"net/url"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

func (a *API) listConnectors(w http.ResponseWriter, r *http.Request) error {
	cs, err := a.svc.Connectors(r.Context(), callerOf(r), r.PathValue("store_id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, jwo.ConnectorList{Connectors: cs})
}

func (a *API) getConnector(w http.ResponseWriter, r *http.Request) error {
	m, err := pathMethod(r)
	if err != nil {
		return err
	}
	c, err := a.svc.Connector(r.Context(), callerOf(r), r.PathValue("store_id"), m)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", jwo.ETag(c.Version))
	return writeJSON(w, http.StatusOK, c)
}

func (a *API) putConnector(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("store_id")
	m, err := pathMethod(r)
	if err != nil {
		return err
	}
	var in jwo.ConnectorInput
	if err := a.decodeWrite(r, &in, false, id, portal.WriteConnectors); err != nil {
		return err
	}
	saved, created, err := a.svc.PutConnector(r.Context(), callerOf(r), id, m, in, preconditionsOf(r))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", jwo.ETag(saved.Version))
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", connectorLocation(id, m))
	}
	return writeJSON(w, status, saved)
}

func (a *API) deleteConnector(w http.ResponseWriter, r *http.Request) error {
	m, err := pathMethod(r)
	if err != nil {
		return err
	}
	if err := a.svc.DeleteConnector(r.Context(), callerOf(r), r.PathValue("store_id"), m, preconditionsOf(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func connectorLocation(storeID string, m jwo.Method) string {
	return "/v1/stores/" + storeID + "/connectors/" + m.PathSegment()
}

// parseConnectorFilter reads the filters of GET /v1/connectors. store_id is
// a comma-separated list of up to jwo.MaxFilterStoreIDs ids (a comma never
// occurs in one); the enum filters take the enum's upper case (enumParam).
func parseConnectorFilter(q url.Values) (portal.ConnectorFilter, error) {
	var f portal.ConnectorFilter
	var err error
	if f.StoreIDs, err = idListParam(q, "store_id", "store ids", jwo.MaxFilterStoreIDs, jwo.ValidateStoreID); err != nil {
		return f, err
	}
	if f.Method, err = enumParam(q, "method", "a connector method", jwo.Methods); err != nil {
		return f, err
	}
	if f.StoreType, err = enumParam(q, "store_type", "a store type", jwo.StoreTypes); err != nil {
		return f, err
	}
	if f.ConnectivityStatus, err = enumParam(q, "connectivity_status", "a connectivity status", jwo.ConnectivityStatuses); err != nil {
		return f, err
	}
	f.LastChangedVia, err = enumParam(q, "last_changed_via", "a change source", jwo.ChangeSources)
	return f, err
}

// listMerchantConnectors is GET /v1/connectors: every connector of the
// token's merchant, for adopting what the portal holds in bulk.
func (a *API) listMerchantConnectors(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	f, err := parseConnectorFilter(q)
	if err != nil {
		return err
	}
	size, after, err := a.pageParams(r, q, "connectors")
	if err != nil {
		return err
	}
	list, next, err := a.svc.MerchantConnectors(r.Context(), callerOf(r), f, size, after)
	if err != nil {
		return err
	}
	token, err := a.nextPageToken(r, "connectors", next)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, jwo.ConnectorPage{Connectors: list, NextPageToken: token})
}
