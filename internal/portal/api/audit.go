package api

import (
	"net/http"
	"strconv"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// listAudit pages through the merchant's audit log, oldest first.
func (a *API) listAudit(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	size, cursor, err := a.pageParams(r, q, "audit")
	if err != nil {
		return err
	}
	var after int64
	if cursor != "" {
		if after, err = strconv.ParseInt(cursor, 10, 64); err != nil || after < 1 {
			return badRequest("page_token is not a token this list gave out: pass next_page_token from the previous page unchanged")
		}
	}
	events, next, err := a.svc.Audit(r.Context(), callerOf(r), q.Get("store_id"), size, after)
	if err != nil {
		return err
	}
	page := jwo.AuditPage{Events: events}
	if next != 0 {
		if page.NextPageToken, err = a.nextPageToken(r, "audit", strconv.FormatInt(next, 10)); err != nil {
			return err
		}
	}
	return writeJSON(w, http.StatusOK, page)
}
