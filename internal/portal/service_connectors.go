package portal

import (
	"context"
	"errors"
	"strings"

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

// CheckConnectorWrite answers whether the caller may change the connectors
// of a store, and tests them: 404 for a store it cannot see comes before 403
// for a role that may only read, so that a refusal tells nothing about
// another merchant's stores.
func (s *Service) CheckConnectorWrite(ctx context.Context, c Caller, storeID string) error {
	if _, err := s.p.findStore(ctx, c.pr.merchant, storeID); err != nil {
		return err
	}
	return requireConnectorWriter(c.pr)
}

// Connectors lists the saved connectors of a store, in the order of jwo.Methods.
func (s *Service) Connectors(ctx context.Context, c Caller, storeID string) ([]jwo.Connector, error) {
	list := []jwo.Connector{}
	err := s.p.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := loadStore(ctx, tx, c.pr.merchant, storeID); err != nil {
			return err
		}
		cs, err := tx.Connectors(ctx, c.pr.merchant, storeID)
		for _, sc := range cs {
			list = append(list, sc.Connector)
		}
		return err
	})
	return list, err
}

// Connector reads one saved connector; its Version is the ETag.
func (s *Service) Connector(ctx context.Context, c Caller, storeID string, m jwo.Method) (jwo.Connector, error) {
	var sc store.Connector
	err := s.p.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := loadStore(ctx, tx, c.pr.merchant, storeID); err != nil {
			return err
		}
		var err error
		sc, err = tx.Connector(ctx, c.pr.merchant, storeID, m)
		if errors.Is(err, store.ErrNotFound) {
			return noConnector(storeID, m)
		}
		return err
	})
	return sc.Connector, err
}

// PutConnector creates or replaces a connector; created says which. What
// counts as a change, and what follows from one, is jwo's Connector.Saved:
// a URL spelled otherwise for the same endpoint changes nothing, and saving
// what is saved writes no audit event.
func (s *Service) PutConnector(ctx context.Context, c Caller, storeID string, m jwo.Method, in jwo.ConnectorInput, pre Preconditions) (saved jwo.Connector, created bool, err error) {
	pr := c.pr
	now := s.p.now()
	err = s.p.db.Write(ctx, func(tx *store.Tx) error {
		saved, created = jwo.Connector{}, false // the store may run this again (store.DB.Write)
		prof, err := loadStore(ctx, tx, pr.merchant, storeID)
		if err != nil {
			return err
		}
		if err := requireConnectorWriter(pr); err != nil {
			return err
		}
		if errs := jwo.ValidateConnectorInput(in, s.p.policy()); len(errs) > 0 {
			return invalid(errs)
		}
		in.EndpointURL = jwo.CanonicalPort(in.EndpointURL)
		if !jwo.MethodApplies(prof, m) {
			return conflict("method-not-applicable", "%v", jwo.NotApplicableError(prof, m))
		}
		old, err := tx.Connector(ctx, pr.merchant, storeID, m)
		exists := err == nil
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := checkPreconditions(pre, old.Version); err != nil {
			return err
		}
		ch := change{merchant: pr.merchant, actor: pr.actor(), storeID: storeID, method: m, at: now}
		switch {
		case !exists:
			sc := store.Connector{UID: uuid.NewString(), Connector: jwo.NewConnector(storeID, m, in, now, pr.name)}
			if err := tx.InsertConnector(ctx, pr.merchant, sc); err != nil {
				return err
			}
			saved, created = sc.Connector, true
			ch.action, ch.after = jwo.ActionConnectorCreate, sc.Connector
		default:
			next, changed := old.Saved(in, now, pr.name)
			if !changed {
				saved = old.Connector
				return nil
			}
			sc := old
			sc.Connector = next
			if err := tx.UpdateConnector(ctx, pr.merchant, sc); err != nil {
				return err
			}
			saved = sc.Connector
			ch.action, ch.before, ch.after = jwo.ActionConnectorUpdate, old.Connector, sc.Connector
		}
		return recordChange(ctx, tx, ch)
	})
	return saved, created, err
}

// DeleteConnector removes a saved connector.
func (s *Service) DeleteConnector(ctx context.Context, c Caller, storeID string, m jwo.Method, pre Preconditions) error {
	pr := c.pr
	return s.p.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := loadStore(ctx, tx, pr.merchant, storeID); err != nil {
			return err
		}
		if err := requireConnectorWriter(pr); err != nil {
			return err
		}
		old, err := tx.Connector(ctx, pr.merchant, storeID, m)
		if errors.Is(err, store.ErrNotFound) {
			return noConnector(storeID, m)
		}
		if err != nil {
			return err
		}
		if err := checkPreconditions(pre, old.Version); err != nil {
			return err
		}
		if err := tx.DeleteConnector(ctx, pr.merchant, storeID, m); err != nil {
			return err
		}
		return recordChange(ctx, tx, change{merchant: pr.merchant, actor: pr.actor(), action: jwo.ActionConnectorDelete,
			storeID: storeID, method: m, before: old.Connector, at: s.p.now()})
	})
}

// ConnectorFilter narrows the merchant-wide connector list; an empty field
// matches every connector. StoreIDs of other merchants, or of no store, match
// nothing: the list never tells which stores exist.
type ConnectorFilter struct {
	StoreIDs           []string
	Method             jwo.Method
	StoreType          jwo.StoreType
	ConnectivityStatus jwo.ConnectivityStatus
}

// connectorCursor is the position of a connector in the merchant-wide list:
// "STORE_ID/METHOD". A store id has no '/', so the split is unambiguous.
func connectorCursor(c jwo.Connector) string { return c.StoreID + "/" + string(c.Method) }

func parseConnectorCursor(s string) (storeID string, m jwo.Method, ok bool) {
	id, method, found := strings.Cut(s, "/")
	if !found || jwo.ValidateStoreID(id) != nil || !jwo.Method(method).Valid() {
		return "", "", false
	}
	return id, jwo.Method(method), true
}

// MerchantConnectors pages through every connector of the caller's merchant
// in (store_id, method) order: at most size connectors after the cursor after
// ("" for the first page), and the cursor of the next page ("" on the last).
func (s *Service) MerchantConnectors(ctx context.Context, c Caller, f ConnectorFilter, size int, after string) (list []jwo.Connector, next string, err error) {
	size = max(1, min(size, maxPageSize))
	q := store.ConnectorQuery{StoreIDs: f.StoreIDs, Method: f.Method, StoreType: f.StoreType,
		ConnectivityStatus: f.ConnectivityStatus, Limit: size + 1}
	if after != "" {
		var ok bool
		if q.AfterStoreID, q.AfterMethod, ok = parseConnectorCursor(after); !ok {
			return nil, "", badRequest("page cursor %q is not a connector position: pass next_page_token from the previous page unchanged", after)
		}
	}
	var rows []store.Connector
	err = s.p.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		rows, err = tx.MerchantConnectors(ctx, c.pr.merchant, q)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	list = make([]jwo.Connector, 0, min(len(rows), size))
	for _, r := range rows[:min(len(rows), size)] {
		list = append(list, r.Connector)
	}
	if len(rows) > size {
		next = connectorCursor(list[size-1])
	}
	return list, next, nil
}
