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
