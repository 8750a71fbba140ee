package apitest

import (
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// One merchant's audit ids are 1, 2, 3, ... however busy another merchant
// is: a shared sequence would show the other's activity as gaps.
func TestAuditIDsShowNoOtherMerchant(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	for i := range 4 {
		// Globex writes three times between each of Acme's writes.
		for range 3 {
			if _, err := e.other.UpdateStore(ctx, storeOurs, jwo.StorePatch{LoyaltyProgram: ptr(i%2 == 0)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := e.admin.PutConnector(ctx, storeFull, jwo.MethodOrdering,
			jwo.ConnectorInput{EndpointURL: "http://127.0.0.1:" + string(rune('1'+i)), EndpointType: jwo.EndpointPublic}, client.Precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	for name, c := range map[string]*client.Client{"acme": e.admin, "globex": e.other} {
		events, err := c.AllAuditEvents(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		for i, ev := range events {
			if ev.ID != int64(i+1) {
				t.Fatalf("%s's audit ids: event %d has id %d, want %d (no gaps)", name, i, ev.ID, i+1)
			}
		}
		if len(events) < 4 {
			t.Errorf("%s has %d audit events, want at least its 4 writes", name, len(events))
		}
	}
}
