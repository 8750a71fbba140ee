package portal

import (
	"errors"
	"net/http"

	"github.com/google/uuid"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

func noConnector(storeID string, m jwo.Method) *apiError {
	return notFound("store %q has no saved %s connector", storeID, m)
}

func connectorLocation(storeID string, m jwo.Method) string {
	return "/v1/stores/" + storeID + "/connectors/" + m.PathSegment()
}

func (p *Portal) listConnectors(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pr := principalFrom(ctx)
	id := r.PathValue("store_id")
	list := jwo.ConnectorList{Connectors: []jwo.Connector{}}
	err := p.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := loadStore(ctx, tx, pr.merchant, id); err != nil {
			return err
		}
		cs, err := tx.Connectors(ctx, pr.merchant, id)
		for _, c := range cs {
			list.Connectors = append(list.Connectors, c.Connector)
		}
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list)
}

func (p *Portal) getConnector(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pr := principalFrom(ctx)
	id := r.PathValue("store_id")
	m, err := pathMethod(r)
	if err != nil {
		return err
	}
	var c store.Connector
	err = p.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := loadStore(ctx, tx, pr.merchant, id); err != nil {
			return err
		}
		c, err = tx.Connector(ctx, pr.merchant, id, m)
		if errors.Is(err, store.ErrNotFound) {
			return noConnector(id, m)
		}
		return err
	})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.Version))
	return writeJSON(w, http.StatusOK, c.Connector)
}

// putConnector creates or replaces a connector. The version, and with it the
// ETag, moves only when the endpoint URL or type changes; a change also
// resets the status to UNTESTED, because no run has tested the new endpoint.
// A PUT of the saved values changes nothing and writes no audit event.
func (p *Portal) putConnector(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pr, id, m, err := p.connectorWriteTarget(r)
	if err != nil {
		return err
	}
	var in jwo.ConnectorInput
	if err := decodeJSON(r, &in, false); err != nil {
		return err
	}
	if errs := jwo.ValidateConnectorInput(in, p.policy()); len(errs) > 0 {
		return invalid(errs)
	}
	now := p.now()
	status := http.StatusOK
	var saved store.Connector
	err = p.db.Write(ctx, func(tx *store.Tx) error {
		prof, err := loadStore(ctx, tx, pr.merchant, id)
		if err != nil {
			return err
		}
		if !jwo.MethodApplies(prof, m) {
			return conflict("method-not-applicable", "%v", jwo.NotApplicableError(prof, m))
		}
		old, err := tx.Connector(ctx, pr.merchant, id, m)
		exists := err == nil
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := checkPreconditions(r, old.Version); err != nil {
			return err
		}
		ch := change{merchant: pr.merchant, actor: pr.name, storeID: id, method: m, at: now}
		switch {
		case !exists:
			saved = store.Connector{UID: uuid.NewString(), Connector: jwo.Connector{
				StoreID: id, Method: m, EndpointURL: in.EndpointURL, EndpointType: in.EndpointType,
				ConnectivityStatus: jwo.ConnectivityUntested, Version: 1,
				CreatedAt: now, UpdatedAt: now, UpdatedBy: pr.name,
			}}
			if err := tx.InsertConnector(ctx, pr.merchant, saved); err != nil {
				return err
			}
			status = http.StatusCreated
			ch.action, ch.after = jwo.ActionConnectorCreate, saved.Connector
		case old.EndpointURL == in.EndpointURL && old.EndpointType == in.EndpointType:
			saved = old
			return nil
		default:
			saved = old
			saved.EndpointURL, saved.EndpointType = in.EndpointURL, in.EndpointType
			saved.Version++
			saved.ConnectivityStatus = jwo.ConnectivityUntested
			saved.UpdatedAt, saved.UpdatedBy = now, pr.name
			if err := tx.UpdateConnector(ctx, pr.merchant, saved); err != nil {
				return err
			}
			ch.action, ch.before, ch.after = jwo.ActionConnectorUpdate, old.Connector, saved.Connector
		}
		return recordChange(ctx, tx, ch)
	})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(saved.Version))
	if status == http.StatusCreated {
		w.Header().Set("Location", connectorLocation(id, m))
	}
	return writeJSON(w, status, saved.Connector)
}

func (p *Portal) deleteConnector(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pr, id, m, err := p.connectorWriteTarget(r)
	if err != nil {
		return err
	}
	err = p.db.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.Connector(ctx, pr.merchant, id, m)
		if errors.Is(err, store.ErrNotFound) {
			return noConnector(id, m)
		}
		if err != nil {
			return err
		}
		if err := checkPreconditions(r, old.Version); err != nil {
			return err
		}
		if err := tx.DeleteConnector(ctx, pr.merchant, id, m); err != nil {
			return err
		}
		return recordChange(ctx, tx, change{merchant: pr.merchant, actor: pr.name, action: jwo.ActionConnectorDelete,
			storeID: id, method: m, before: old.Connector, at: p.now()})
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
