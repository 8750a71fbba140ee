package portaltest

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// OpenStore opens the portal's database beside the portal, for what a test
// saves straight into it; it is closed when the test ends.
func (tp *Portal) OpenStore(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), tp.DB)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return db
}

// SaveConnectors writes all four connectors of each of merchant's stores,
// PUBLIC at url and untested, straight into the portal's database in one
// transaction: thousands of PUTs with a synchronous commit each would only
// slow a test down. They are updated_by "fleet", and no audit event tells
// of them.
func (tp *Portal) SaveConnectors(t testing.TB, merchant string, storeIDs []string, url string) {
	t.Helper()
	ctx := context.Background()
	db := tp.OpenStore(t)
	now := store.Now()
	err := db.Write(ctx, func(tx *store.Tx) error {
		for _, id := range storeIDs {
			for _, m := range jwo.Methods {
				if err := tx.InsertConnector(ctx, merchant, store.Connector{UID: uuid.NewString(), Connector: jwo.Connector{
					StoreID: id, Method: m, EndpointURL: url, EndpointType: jwo.EndpointPublic,
					ConnectivityStatus: jwo.ConnectivityUntested, Version: 1, CreatedAt: now, UpdatedAt: now, UpdatedBy: "fleet",
					LastChangedVia: jwo.ChangedViaAPI,
				}}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("save connectors: %v", err)
	}
}
