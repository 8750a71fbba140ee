package portal

import (
	"net/http"

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
