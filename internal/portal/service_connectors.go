package portal

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

func noConnector(storeID string, m jwo.Method) *Error {
	return notFound("store %q has no saved %s connector", storeID, m)
}

// connectorPath is where the API serves a connector, for details that say
// what to call.
func connectorPath(storeID string, m jwo.Method) string {
	return "/v1/stores/" + storeID + "/connectors/" + m.PathSegment()
}

// Preconditions are what a write of a connector is conditional on, as RFC
// 9110 section 13.1 defines them for If-Match and If-None-Match: a version
// that must be saved, or that must not be. A nil condition is none.
type Preconditions struct {
	IfMatch     *Versions
	IfNoneMatch *Versions
}

// Versions is a set of connector versions, or any version at all.
type Versions struct {
	Any  bool
	List []int64
}

// OnlyIfVersion is the condition of a write based on the saved version v.
func OnlyIfVersion(v int64) Preconditions {
	return Preconditions{IfMatch: &Versions{List: []int64{v}}}
}

// OnlyIfAbsent is the condition of a write that creates only.
func OnlyIfAbsent() Preconditions { return Preconditions{IfNoneMatch: &Versions{Any: true}} }

// has says whether current, the saved version (0 when there is none), is
// in the set.
func (v *Versions) has(current int64) bool {
	return current != 0 && (v.Any || slices.Contains(v.List, current))
}

func (v *Versions) String() string {
	if v.Any {
		return "any version"
	}
	s := make([]string, len(v.List))
	for i, n := range v.List {
		s[i] = strconv.FormatInt(n, 10)
	}
	return "version " + strings.Join(s, " or ")
}

// check applies the conditions to a connector saved at version current (0
// when it does not exist): If-Match first, then If-None-Match.
func (p Preconditions) check(current int64) error {
	if p.IfMatch != nil && !p.IfMatch.has(current) {
		if current == 0 {
			return preconditionFailed("the write was based on %s of the connector, which does not exist", p.IfMatch)
		}
		return preconditionFailed("the write was based on %s but the connector is at version %d (ETag %s): read it again and retry", p.IfMatch, current, jwo.ETag(current))
	}
	if p.IfNoneMatch != nil && p.IfNoneMatch.has(current) {
		return preconditionFailed("the write was to be made only without %s of the connector, and it exists at version %d", p.IfNoneMatch, current)
	}
	return nil
}

// Connectors lists the saved connectors of a store, in the order of jwo.Methods.
func (s *Service) Connectors(ctx context.Context, c Caller, storeID string) ([]jwo.Connector, error) {
	list := []jwo.Connector{}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := storeFor(ctx, tx, c, storeID, 0); err != nil {
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
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := storeFor(ctx, tx, c, storeID, 0); err != nil {
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
	now := s.now()
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		saved, created = jwo.Connector{}, false // the store may run this again (store.DB.Write)
		prof, err := storeFor(ctx, tx, c, storeID, WriteConnectors)
		if err != nil {
			return err
		}
		if errs := jwo.ValidateConnectorInput(in, s.policy); len(errs) > 0 {
			return invalid(errs)
		}
		in.EndpointURL = jwo.CanonicalPort(in.EndpointURL)
		if !jwo.MethodApplies(prof, m) {
			return conflict("method-not-applicable", "%v", jwo.NotApplicableError(prof, m))
		}
		old, err := tx.Connector(ctx, c.pr.merchant, storeID, m)
		exists := err == nil
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := pre.check(old.Version); err != nil {
			return err
		}
		ch := change{merchant: c.pr.merchant, actor: c.pr.actor(), storeID: storeID, method: m, at: now}
		switch {
		case !exists:
			sc := store.Connector{UID: uuid.NewString(), Connector: jwo.NewConnector(storeID, m, in, c.change(now))}
			if err := tx.InsertConnector(ctx, c.pr.merchant, sc); err != nil {
				return err
			}
			saved, created = sc.Connector, true
			ch.action, ch.after = jwo.ActionConnectorCreate, sc.Connector
		default:
			next, changed := old.Saved(in, c.change(now))
			if !changed {
				saved = old.Connector
				return nil
			}
			sc := old
			sc.Connector = next
			if err := tx.UpdateConnector(ctx, c.pr.merchant, sc); err != nil {
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
	return s.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := storeFor(ctx, tx, c, storeID, WriteConnectors); err != nil {
			return err
		}
		old, err := tx.Connector(ctx, c.pr.merchant, storeID, m)
		if errors.Is(err, store.ErrNotFound) {
			return noConnector(storeID, m)
		}
		if err != nil {
			return err
		}
		if err := pre.check(old.Version); err != nil {
			return err
		}
		if err := tx.DeleteConnector(ctx, c.pr.merchant, storeID, m); err != nil {
			return err
		}
		return recordChange(ctx, tx, change{merchant: c.pr.merchant, actor: c.pr.actor(), action: jwo.ActionConnectorDelete,
			storeID: storeID, method: m, before: old.Connector, at: s.now()})
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
	LastChangedVia     jwo.ChangeSource
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
	size = pageSize(size)
	q := store.ConnectorQuery{StoreIDs: f.StoreIDs, Method: f.Method, StoreType: f.StoreType,
		ConnectivityStatus: f.ConnectivityStatus, LastChangedVia: f.LastChangedVia, Limit: size + 1}
	if after != "" {
		var ok bool
		if q.AfterStoreID, q.AfterMethod, ok = parseConnectorCursor(after); !ok {
			return nil, "", badRequest("page cursor %q is not a connector position: pass next_page_token from the previous page unchanged", after)
		}
	}
	var rows []store.Connector
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		rows, err = tx.MerchantConnectors(ctx, c.pr.merchant, q)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	rows, next = pageOf(rows, size, func(r store.Connector) string { return connectorCursor(r.Connector) })
	list = make([]jwo.Connector, 0, len(rows))
	for _, r := range rows {
		list = append(list, r.Connector)
	}
	return list, next, nil
}
