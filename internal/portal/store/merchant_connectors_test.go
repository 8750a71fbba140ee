package store

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// TestMerchantConnectors: the merchant-wide query walks (store_id, method)
// after its cursor, applies every filter, takes a full list of ids, and
// never returns another merchant's rows, on every engine.
func TestMerchantConnectors(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, _ string) {
		ctx := context.Background()
		cart := jwo.StoreProfile{ID: "s-0", Name: "Cart", StoreType: jwo.StoreTypeDashCart, Region: "us-east-1",
			EntryMethods: []jwo.EntryMethod{}, FraudAndAbuseStrategy: jwo.FraudNone, OrderDelegation: true}
		mustWrite(t, db, func(tx *Tx) error {
			for _, m := range []string{"a", "b"} {
				if _, err := tx.EnsureMerchant(ctx, m, Now()); err != nil {
					return err
				}
				if err := tx.InsertStore(ctx, m, profile, Now()); err != nil {
					return err
				}
			}
			if err := tx.InsertStore(ctx, "a", cart, Now()); err != nil {
				return err
			}
			for i, k := range []struct {
				merchant, store string
				m               jwo.Method
				status          jwo.ConnectivityStatus
			}{
				{"a", "s-1", jwo.MethodOrdering, jwo.ConnectivitySuccessful},
				{"a", "s-1", jwo.MethodIdentity, jwo.ConnectivityUntested},
				{"a", "s-0", jwo.MethodOrdering, jwo.ConnectivityUntested},
				{"b", "s-1", jwo.MethodIdentity, jwo.ConnectivityUntested},
			} {
				c := newConnector()
				c.UID, c.StoreID, c.Method, c.ConnectivityStatus = fmt.Sprint("uid-", i), k.store, k.m, k.status
				if k.store == "s-0" {
					c.LastChangedVia = jwo.ChangedViaConsole
				}
				if err := tx.InsertConnector(ctx, k.merchant, c); err != nil {
					return err
				}
			}
			return nil
		})
		full := make([]string, 0, jwo.MaxFilterStoreIDs)
		for i := range jwo.MaxFilterStoreIDs - 1 {
			full = append(full, fmt.Sprintf("none-%d", i))
		}
		full = append(full, "s-1")
		for _, tc := range []struct {
			name string
			q    ConnectorQuery
			want []string
		}{
			{"all", ConnectorQuery{}, []string{"s-0/ORDERING", "s-1/IDENTITY", "s-1/ORDERING"}},
			{"limit", ConnectorQuery{Limit: 2}, []string{"s-0/ORDERING", "s-1/IDENTITY"}},
			{"after a method", ConnectorQuery{AfterStoreID: "s-1", AfterMethod: jwo.MethodIdentity}, []string{"s-1/ORDERING"}},
			{"after a store", ConnectorQuery{AfterStoreID: "s-0", AfterMethod: jwo.MethodOrdering}, []string{"s-1/IDENTITY", "s-1/ORDERING"}},
			{"method", ConnectorQuery{Method: jwo.MethodOrdering}, []string{"s-0/ORDERING", "s-1/ORDERING"}},
			{"status", ConnectorQuery{ConnectivityStatus: jwo.ConnectivitySuccessful}, []string{"s-1/ORDERING"}},
			{"store type", ConnectorQuery{StoreType: jwo.StoreTypeDashCart}, []string{"s-0/ORDERING"}},
			{"clicked in", ConnectorQuery{LastChangedVia: jwo.ChangedViaConsole}, []string{"s-0/ORDERING"}},
			{"in code", ConnectorQuery{LastChangedVia: jwo.ChangedViaTerraform}, []string{"s-1/IDENTITY", "s-1/ORDERING"}},
			{"ids", ConnectorQuery{StoreIDs: []string{"s-0"}}, []string{"s-0/ORDERING"}},
			{"a full list of ids", ConnectorQuery{StoreIDs: full}, []string{"s-1/IDENTITY", "s-1/ORDERING"}},
			{"unknown id", ConnectorQuery{StoreIDs: []string{"s-9"}}, []string{}},
		} {
			if tc.q.Limit == 0 {
				tc.q.Limit = 10
			}
			err := db.Read(ctx, func(tx *Tx) error {
				cs, err := tx.MerchantConnectors(ctx, "a", tc.q)
				got := []string{}
				for _, c := range cs {
					got = append(got, c.StoreID+"/"+string(c.Method))
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
				}
				return err
			})
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
	})
}
