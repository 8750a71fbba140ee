package portal

import (
	"context"
	"encoding/json"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// change is one audited write: callers pass it to recordChange inside the
// transaction that makes the write, so the event exists exactly when the
// change does.
type change struct {
	merchant string
	actor    string
	action   jwo.AuditAction
	storeID  string
	method   jwo.Method
	before   any // nil when the object did not exist
	after    any // nil when the object was removed
	at       time.Time
}

func recordChange(ctx context.Context, tx *store.Tx, c change) error {
	before, err := auditJSON(c.before)
	if err != nil {
		return err
	}
	after, err := auditJSON(c.after)
	if err != nil {
		return err
	}
	_, err = tx.InsertAudit(ctx, c.merchant, jwo.AuditEvent{
		At: c.at, Actor: c.actor, Action: c.action, StoreID: c.storeID, Method: c.method, Before: before, After: after,
	})
	return err
}

func auditJSON(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	return json.Marshal(v)
}

// Audit pages through the caller's audit log, oldest first: at most size
// events after the event id after, of one store when storeID is set (a store
// the merchant does not have simply matches no events). next is the id to
// continue after (0 on the last page). The token.* events are for admins
// only, like GET /v1/tokens: they name the merchant's tokens, their roles,
// expiry and revocations.
func (s *Service) Audit(ctx context.Context, c Caller, storeID string, size int, after int64) (events []jwo.AuditEvent, next int64, err error) {
	if storeID != "" {
		if err := jwo.ValidateStoreID(storeID); err != nil {
			return nil, 0, badRequest("store_id: %v", err)
		}
	}
	size = pageSize(size)
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		got, err := tx.AuditEvents(ctx, c.pr.merchant, storeID, after, size+1, c.pr.role.CanAdminister())
		events, next = pageOf(got, size, func(ev jwo.AuditEvent) int64 { return ev.ID })
		return err
	})
	return events, next, err
}

// ConnectorWrites lists who created, changed or deleted the connectors of
// one of the caller's stores, oldest first (the audit events of those
// actions, without their before and after values).
func (s *Service) ConnectorWrites(ctx context.Context, c Caller, storeID string) (events []jwo.AuditEvent, err error) {
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := storeFor(ctx, tx, c, storeID, 0); err != nil {
			return err
		}
		events, err = tx.ConnectorWrites(ctx, c.pr.merchant, storeID)
		return err
	})
	return events, err
}
