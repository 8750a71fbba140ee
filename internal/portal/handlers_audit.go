package portal

import (
	"net/http"
	"strconv"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// listAudit pages through the merchant's audit log, oldest first. A store_id
// that the merchant does not have simply matches no events.
func (p *Portal) listAudit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pr := principalFrom(ctx)
	q, err := queryParams(r, "store_id", "page_size", "page_token")
	if err != nil {
		return err
	}
	storeID := q.Get("store_id")
	if storeID != "" {
		if err := jwo.ValidateStoreID(storeID); err != nil {
			return badRequest("store_id: %v", err)
		}
	}
	size, err := p.pageSize(q)
	if err != nil {
		return err
	}
	cursor, err := decodePageToken(q, "audit")
	if err != nil {
		return err
	}
	var after int64
	if cursor != "" {
		if after, err = strconv.ParseInt(cursor, 10, 64); err != nil || after < 1 {
			return badRequest("page_token is not a token this list gave out: pass next_page_token from the previous page unchanged")
		}
	}
	page := jwo.AuditPage{Events: []jwo.AuditEvent{}}
	err = p.db.Read(ctx, func(tx *store.Tx) error {
		events, err := tx.AuditEvents(ctx, pr.merchant, storeID, after, size+1)
		if err != nil {
			return err
		}
		if len(events) > size {
			events = events[:size]
			page.NextPageToken = encodePageToken("audit", strconv.FormatInt(events[size-1].ID, 10))
		}
		if events != nil {
			page.Events = events
		}
		return nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page)
}
