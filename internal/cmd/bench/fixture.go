package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// The two merchants of the bench database. scaleMerchant holds the fleet the
// issue sizes the portal by (stores with all four connectors saved) and is
// what jwo_stores lists and the connectivity tests run against; benchMerchant
// holds the empty stores that the timed applies fill.
const (
	scaleMerchant = "scale"
	benchMerchant = "bench"
)

// fixture is a prepared portal database and the tokens to use it.
type fixture struct {
	dbPath     string
	scaleToken string
	benchToken string
}

// fourMethodStore is a JWO store for which all four methods apply: retailer
// managed entry (IDENTITY), loyalty program, order delegation and customer
// managed fraud and abuse.
func fourMethodStore(id string) seed.Store {
	return seed.Store{StoreProfile: jwo.StoreProfile{
		ID:                    id,
		Name:                  "Bench " + id,
		StoreType:             jwo.StoreTypeJWO,
		Region:                "us-east-1",
		EntryMethods:          []jwo.EntryMethod{jwo.EntryAppQR, jwo.EntryCreditCard},
		FraudAndAbuseStrategy: jwo.FraudCustomerManaged,
		OrderDelegation:       true,
		LoyaltyProgram:        true,
	}}
}

func scaleStoreID(i int) string { return fmt.Sprintf("scale-%05d", i) }

// prepareFixture writes the database before the portal process starts:
// scaleStores stores with every connector saved (pointing at connectorURL),
// and the bench stores the applies use. The connectors are inserted through
// the portal's store package in one transaction, because 40,000 PUTs with a
// synchronous commit each would take minutes and measure nothing we report.
func prepareFixture(ctx context.Context, dir string, scaleStores int, benchStoreIDs []string, connectorURL string) (fixture, error) {
	fx := fixture{dbPath: filepath.Join(dir, "portal.db")}
	scale := make([]seed.Store, 0, scaleStores)
	for i := 1; i <= scaleStores; i++ {
		scale = append(scale, fourMethodStore(scaleStoreID(i)))
	}
	bench := make([]seed.Store, 0, len(benchStoreIDs))
	for _, id := range benchStoreIDs {
		bench = append(bench, fourMethodStore(id))
	}
	f := seed.File{Merchants: []seed.Merchant{{ID: scaleMerchant, Stores: scale}, {ID: benchMerchant, Stores: bench}}}
	if err := portal.Administer(ctx, fx.dbPath, func(svc *portal.Service) error { return svc.ApplySeed(ctx, f) }); err != nil {
		return fx, fmt.Errorf("seed: %w", err)
	}

	db, err := store.Open(ctx, fx.dbPath)
	if err != nil {
		return fx, err
	}
	now := store.Now()
	err = db.Write(ctx, func(tx *store.Tx) error {
		for i := 1; i <= scaleStores; i++ {
			for _, m := range jwo.Methods {
				c := store.Connector{UID: uuid.NewString(), Connector: jwo.Connector{
					StoreID: scaleStoreID(i), Method: m, EndpointURL: connectorURL, EndpointType: jwo.EndpointPublic,
					ConnectivityStatus: jwo.ConnectivityUntested, Version: 1,
					CreatedAt: now, UpdatedAt: now, UpdatedBy: "bench-fixture", LastChangedVia: jwo.ChangedViaAPI,
				}}
				if err := tx.InsertConnector(ctx, scaleMerchant, c); err != nil {
					return fmt.Errorf("connector %s/%s: %w", c.StoreID, m, err)
				}
			}
		}
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fx, err
	}

	err = portal.Administer(ctx, fx.dbPath, func(svc *portal.Service) error {
		var err error
		if fx.scaleToken, err = operatorToken(ctx, svc, scaleMerchant, "bench-scale"); err != nil {
			return err
		}
		fx.benchToken, err = operatorToken(ctx, svc, benchMerchant, "bench")
		return err
	})
	return fx, err
}

// elapsed is a tiny helper for progress lines.
func elapsed(start time.Time) string { return time.Since(start).Round(10 * time.Millisecond).String() }
