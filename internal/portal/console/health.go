package console

import (
	"context"
	"fmt"
	"strings"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

// health counts a store's saved connectors by their last test: the seeds
// warn that Complete "does not mean all the connectors are working
// properly", so the list and the store page say how they last tested.
type health struct {
	Successful, Unsuccessful, Untested int
}

func (h *health) add(s jwo.ConnectivityStatus) {
	switch s {
	case jwo.ConnectivitySuccessful:
		h.Successful++
	case jwo.ConnectivityUnsuccessful:
		h.Unsuccessful++
	default:
		h.Untested++
	}
}

// Any says whether a connector is saved at all.
func (h health) Any() bool { return h.Successful+h.Unsuccessful+h.Untested > 0 }

func connectors(n int) string {
	if n == 1 {
		return "1 connector"
	}
	return fmt.Sprintf("%d connectors", n)
}

// completionSentence says what the store's completion status means for
// it, after the status's own word; after Complete, how its connectors last
// tested.
func completionSentence(st jwo.Store, h health) string {
	switch st.CompletionStatus {
	case jwo.CompletionNotRequired:
		return "the retail integration capabilities for the store are owned by Amazon and no action is required."
	case jwo.CompletionIncomplete:
		missing := make([]string, 0, len(st.MissingMethods))
		for _, m := range st.MissingMethods {
			missing = append(missing, methodLabel(m))
		}
		return "one or more required values is not set (" + strings.Join(missing, ", ") + ")."
	}
	s := "all the required values are set"
	var parts []string
	if h.Unsuccessful > 0 {
		parts = append(parts, connectors(h.Unsuccessful)+" last tested Unsuccessful")
	}
	if h.Untested > 0 {
		parts = append(parts, connectors(h.Untested)+" Untested")
	}
	if len(parts) == 0 {
		return s + "; every connector last tested Successful."
	}
	return s + "; " + strings.Join(parts, "; ") + "."
}

// healthOf counts the connectors of the given stores, read through the
// service in pages.
func (c *Console) healthOf(ctx context.Context, caller portal.Caller, ids []string) (map[string]health, error) {
	out := make(map[string]health, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	after := ""
	for {
		list, next, err := c.svc.MerchantConnectors(ctx, caller, portal.ConnectorFilter{StoreIDs: ids}, portal.MaxPageSize, after)
		if err != nil {
			return nil, err
		}
		for _, conn := range list {
			h := out[conn.StoreID]
			h.add(conn.ConnectivityStatus)
			out[conn.StoreID] = h
		}
		if next == "" {
			return out, nil
		}
		after = next
	}
}

// unsuccessfulStores lists, in id order, the stores of the caller's
// merchant with a connector whose last test was Unsuccessful, after the
// store id after.
func (c *Console) unsuccessfulStores(ctx context.Context, caller portal.Caller, t jwo.StoreType, after string) ([]string, error) {
	var ids []string
	cursor := ""
	for {
		list, next, err := c.svc.MerchantConnectors(ctx, caller,
			portal.ConnectorFilter{StoreType: t, ConnectivityStatus: jwo.ConnectivityUnsuccessful}, portal.MaxPageSize, cursor)
		if err != nil {
			return nil, err
		}
		for _, conn := range list {
			if conn.StoreID > after && (len(ids) == 0 || ids[len(ids)-1] != conn.StoreID) {
				ids = append(ids, conn.StoreID)
			}
		}
		if next == "" {
			return ids, nil
		}
		cursor = next
	}
}
