package portal

import (
	"net/http"
	"net/url"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// callerOf is the caller of an authenticated API request.
func callerOf(r *http.Request) Caller { return Caller{pr: principalFrom(r.Context())} }

// preconditionsOf reads the conditional headers of a write.
func preconditionsOf(r *http.Request) Preconditions {
	return Preconditions{IfMatch: r.Header.Get("If-Match"), IfNoneMatch: r.Header.Get("If-None-Match")}
}

func (p *Portal) listConnectors(w http.ResponseWriter, r *http.Request) error {
	cs, err := p.Service().Connectors(r.Context(), callerOf(r), r.PathValue("store_id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, jwo.ConnectorList{Connectors: cs})
}

func (p *Portal) getConnector(w http.ResponseWriter, r *http.Request) error {
	m, err := pathMethod(r)
	if err != nil {
		return err
	}
	c, err := p.Service().Connector(r.Context(), callerOf(r), r.PathValue("store_id"), m)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.Version))
	return writeJSON(w, http.StatusOK, c)
}

func (p *Portal) putConnector(w http.ResponseWriter, r *http.Request) error {
	c, id, m, err := p.connectorWriteTarget(r)
	if err != nil {
		return err
	}
	var in jwo.ConnectorInput
	if err := decodeJSON(r, &in, false); err != nil {
		return err
	}
	saved, created, err := p.Service().PutConnector(r.Context(), c, id, m, in, preconditionsOf(r))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(saved.Version))
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", connectorLocation(id, m))
	}
	return writeJSON(w, status, saved)
}

func (p *Portal) deleteConnector(w http.ResponseWriter, r *http.Request) error {
	c, id, m, err := p.connectorWriteTarget(r)
	if err != nil {
		return err
	}
	if err := p.Service().DeleteConnector(r.Context(), c, id, m, preconditionsOf(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// connectorWriteTarget resolves the store and method of a connector write and
// checks the caller's role before the body is read, so that a refused write
// is refused whatever it carries.
func (p *Portal) connectorWriteTarget(r *http.Request) (Caller, string, jwo.Method, error) {
	c := callerOf(r)
	id := r.PathValue("store_id")
	m, err := pathMethod(r)
	if err != nil {
		return c, "", "", err
	}
	if err := p.Service().CheckConnectorWrite(r.Context(), c, id); err != nil {
		return c, "", "", err
	}
	return c, id, m, nil
}

// parseConnectorFilter reads the filters of GET /v1/connectors. store_id is
// a comma-separated list of up to jwo.MaxFilterStoreIDs ids (a comma never
// occurs in one); the enum filters take any letter case, like the path's
// method segment.
func parseConnectorFilter(q url.Values) (ConnectorFilter, error) {
	var f ConnectorFilter
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
	f.ConnectivityStatus, err = enumParam(q, "connectivity_status", "a connectivity status", jwo.ConnectivityStatuses)
	return f, err
}

// listMerchantConnectors is GET /v1/connectors: every connector of the
// token's merchant, for adopting what the portal holds in bulk.
func (p *Portal) listMerchantConnectors(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "store_id", "method", "store_type", "connectivity_status", "page_size", "page_token")
	if err != nil {
		return err
	}
	f, err := parseConnectorFilter(q)
	if err != nil {
		return err
	}
	size, err := p.pageSize(q)
	if err != nil {
		return err
	}
	after, err := decodePageToken(q, "connectors")
	if err != nil {
		return err
	}
	list, next, err := p.Service().MerchantConnectors(r.Context(), callerOf(r), f, size, after)
	if err != nil {
		return err
	}
	page := jwo.ConnectorPage{Connectors: list}
	if next != "" {
		page.NextPageToken = encodePageToken("connectors", next)
	}
	return writeJSON(w, http.StatusOK, page)
}
