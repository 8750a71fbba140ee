package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// The storage contract, table by table, on every engine.

// withStore gives a database with merchant "a" and its store s-1.
func withStore(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	mustWrite(t, db, func(tx *Tx) error {
		if _, err := tx.EnsureMerchant(ctx, "a", Now()); err != nil {
			return err
		}
		return tx.InsertStore(ctx, "a", profile, Now())
	})
}

// newConnector is a connector at its first version, ready to insert.
func newConnector() Connector {
	now := Now()
	return Connector{UID: "uid-1", Connector: jwo.Connector{
		StoreID: "s-1", Method: jwo.MethodIdentity, EndpointURL: "https://a.example/v1", EndpointType: jwo.EndpointPublic,
		ConnectivityStatus: jwo.ConnectivityUntested, Version: 1, CreatedAt: now, UpdatedAt: now, UpdatedBy: "alice",
		LastChangedVia: jwo.ChangedViaTerraform,
	}}
}

func TestConnectorsRoundTripAndVersion(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, _ string) {
		ctx := context.Background()
		withStore(t, db)
		c := newConnector()
		mustWrite(t, db, func(tx *Tx) error { return tx.InsertConnector(ctx, "a", c) })
		if err := db.Write(ctx, func(tx *Tx) error { return tx.InsertConnector(ctx, "a", c) }); !errors.Is(err, ErrConflict) {
			t.Fatalf("second insert: err = %v, want ErrConflict", err)
		}
		c.Version, c.EndpointURL = 2, "https://b.example/v1"
		mustWrite(t, db, func(tx *Tx) error { return tx.UpdateConnector(ctx, "a", c) })
		err := db.Read(ctx, func(tx *Tx) error {
			got, err := tx.Connector(ctx, "a", "s-1", jwo.MethodIdentity)
			if err != nil {
				return err
			}
			if got.Version != 2 || got.EndpointURL != c.EndpointURL || !got.CreatedAt.Equal(c.CreatedAt) || got.UID != "uid-1" {
				t.Errorf("connector = %+v, want version 2 at %s", got, c.EndpointURL)
			}
			all, err := tx.Connectors(ctx, "a", "s-1")
			if err != nil || len(all) != 1 {
				t.Errorf("connectors = %v, %v", all, err)
			}
			if _, err := tx.Connector(ctx, "b", "s-1", jwo.MethodIdentity); !errors.Is(err, ErrNotFound) {
				t.Errorf("another merchant reads it: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		mustWrite(t, db, func(tx *Tx) error { return tx.DeleteConnector(ctx, "a", "s-1", jwo.MethodIdentity) })
		if err := db.Write(ctx, func(tx *Tx) error { return tx.DeleteConnector(ctx, "a", "s-1", jwo.MethodIdentity) }); !errors.Is(err, ErrNotFound) {
			t.Fatalf("second delete: err = %v, want ErrNotFound", err)
		}
	})
}

func TestStoresListFilterPageAndConfiguredMethods(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, _ string) {
		ctx := context.Background()
		mustWrite(t, db, func(tx *Tx) error {
			if _, err := tx.EnsureMerchant(ctx, "a", Now()); err != nil {
				return err
			}
			for i := range 5 {
				p := profile
				p.ID = fmt.Sprintf("s-%d", i)
				if i%2 == 1 {
					p.StoreType = jwo.StoreTypeDashCart
				}
				if err := tx.InsertStore(ctx, "a", p, Now()); err != nil {
					return err
				}
			}
			c := newConnector()
			c.StoreID = "s-2"
			return tx.InsertConnector(ctx, "a", c)
		})
		err := db.Read(ctx, func(tx *Tx) error {
			page, err := tx.Stores(ctx, "a", "s-1", "", 2)
			if err != nil {
				return err
			}
			if len(page) != 2 || page[0].ID != "s-2" || page[1].ID != "s-3" {
				t.Errorf("page after s-1 = %v, want s-2 s-3", page)
			}
			carts, err := tx.Stores(ctx, "a", "", jwo.StoreTypeDashCart, 10)
			if err != nil {
				return err
			}
			if len(carts) != 2 || carts[0].ID != "s-1" || carts[1].ID != "s-3" {
				t.Errorf("DASH_CART stores = %v, want s-1 s-3", carts)
			}
			m, err := tx.ConfiguredMethods(ctx, "a", "s-0", "s-4")
			if err != nil {
				return err
			}
			if len(m) != 1 || len(m["s-2"]) != 1 || m["s-2"][0] != jwo.MethodIdentity {
				t.Errorf("configured methods = %v, want s-2: IDENTITY", m)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestCatalogUpsertAndBarcodeConflict(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, _ string) {
		ctx := context.Background()
		withStore(t, db)
		it := jwo.CatalogItem{SKU: "sku-1", Barcode: "0123", BarcodeType: jwo.BarcodeUPC, Name: "Water"}
		mustWrite(t, db, func(tx *Tx) error { return tx.PutCatalogItem(ctx, "a", "s-1", it) })
		it.Name = "Still water"
		mustWrite(t, db, func(tx *Tx) error { return tx.PutCatalogItem(ctx, "a", "s-1", it) })
		other := jwo.CatalogItem{SKU: "sku-2", Barcode: "0123", BarcodeType: jwo.BarcodeUPC, Name: "Soda"}
		if err := db.Write(ctx, func(tx *Tx) error { return tx.PutCatalogItem(ctx, "a", "s-1", other) }); !errors.Is(err, ErrConflict) {
			t.Fatalf("barcode of another SKU: err = %v, want ErrConflict", err)
		}
		err := db.Read(ctx, func(tx *Tx) error {
			items, err := tx.CatalogItems(ctx, "a", "s-1", "", "", 10)
			if err != nil {
				return err
			}
			if len(items) != 1 || items[0].Name != "Still water" {
				t.Errorf("items = %v, want the one replaced item", items)
			}
			sku, err := tx.SKUForBarcode(ctx, "a", "s-1", "0123")
			if sku != "sku-1" || err != nil {
				t.Errorf("SKUForBarcode = %q, %v", sku, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// claimed is run as replica's claim has marked it.
func claimed(run Test, replica string) Test {
	run.ReplicaID = replica
	return run
}

func running(id, key string) Test {
	return Test{
		ConnectivityTest: jwo.ConnectivityTest{ID: id, StoreID: "s-1", Method: jwo.MethodIdentity,
			EndpointURL: "https://a.example/v1", EndpointType: jwo.EndpointPublic, Status: jwo.TestRunning,
			StartedAt: Now(), TriggeredBy: "alice"},
		MerchantID: "a", ConnectorUID: "uid-1", ConnectorVersion: 1, IdempotencyKey: key,
	}
}

func TestRunsKeysFinishOnceAndStatus(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, _ string) {
		ctx := context.Background()
		withStore(t, db)
		var first, second Test
		mustWrite(t, db, func(tx *Tx) error {
			if err := tx.InsertConnector(ctx, "a", newConnector()); err != nil {
				return err
			}
			var err error
			if first, err = tx.InsertTest(ctx, claimed(running("t-1", "k-1"), "r-1")); err != nil {
				return err
			}
			second, err = tx.InsertTest(ctx, claimed(running("t-2", ""), "r-gone"))
			return err
		})
		if first.Seq <= 0 || second.Seq <= first.Seq {
			t.Fatalf("sequence numbers %d then %d, want increasing", first.Seq, second.Seq)
		}
		if err := db.Write(ctx, func(tx *Tx) error {
			_, err := tx.InsertTest(ctx, running("t-3", "k-1"))
			return err
		}); !errors.Is(err, ErrConflict) {
			t.Fatalf("a reused idempotency key: err = %v, want ErrConflict", err)
		}
		if err := db.Write(ctx, func(tx *Tx) error {
			_, err := tx.FinishTest(ctx, "t-1", "r-2", Outcome{Status: jwo.TestUnsuccessful, CompletedAt: Now()})
			return err
		}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("finishing a run claimed by another replica: err = %v, want ErrNotFound", err)
		}
		mustWrite(t, db, func(tx *Tx) error {
			done, err := tx.FinishTest(ctx, "t-1", "r-1", Outcome{Status: jwo.TestSuccessful, HTTPStatus: 200, LatencyMS: 12, CompletedAt: Now()})
			if err != nil {
				return err
			}
			applied, err := tx.ApplyRunStatus(ctx, done, jwo.ConnectivitySuccessful)
			if !applied {
				t.Error("the verdict of the connector's own version was not applied")
			}
			return err
		})
		if err := db.Write(ctx, func(tx *Tx) error {
			_, err := tx.FinishTest(ctx, "t-1", "r-1", Outcome{Status: jwo.TestUnsuccessful, CompletedAt: Now()})
			return err
		}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("finishing a finished run: err = %v, want ErrNotFound", err)
		}
		var swept []string
		mustWrite(t, db, func(tx *Tx) (err error) {
			swept, err = tx.SweepRuns(ctx, "gone", Now())
			return err
		})
		if len(swept) != 1 || swept[0] != "t-2" {
			t.Fatalf("swept %v, want the one RUNNING run, t-2, whose replica is not alive", swept)
		}
		err := db.Read(ctx, func(tx *Tx) error {
			byKey, err := tx.TestByKey(ctx, "a", "s-1", jwo.MethodIdentity, "k-1")
			if err != nil || byKey.ID != "t-1" || byKey.Status != jwo.TestSuccessful || byKey.CompletedAt == nil {
				t.Errorf("run by key = %+v, %v", byKey, err)
			}
			list, err := tx.Tests(ctx, "a", "s-1", jwo.MethodIdentity, 10)
			if err != nil || len(list) != 2 || list[0].ID != "t-2" || list[0].Reason != jwo.ReasonInterrupted {
				t.Errorf("history = %+v, %v; want t-2 (interrupted) first", list, err)
			}
			c, err := tx.Connector(ctx, "a", "s-1", jwo.MethodIdentity)
			if err != nil || c.ConnectivityStatus != jwo.ConnectivitySuccessful {
				t.Errorf("connector status = %q, %v", c.ConnectivityStatus, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// Writers on two handles (two replicas) that each read a version and write
// the next one only if nobody moved it: as with If-Match, every version has
// exactly one winner, and no update is lost.
func TestCompareAndSetHasOneWinnerPerVersion(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, location string) {
		ctx := context.Background()
		withStore(t, db)
		mustWrite(t, db, func(tx *Tx) error { return tx.InsertConnector(ctx, "a", newConnector()) })
		other := openAt(t, location)
		errStale := errors.New("stale version")
		const writers, rounds = 8, 5
		var wins atomic.Int64
		var wg sync.WaitGroup
		for w := range writers {
			handle := []*DB{db, other}[w%2]
			wg.Go(func() {
				for round := range rounds {
					want := int64(round + 1)
					err := handle.Write(ctx, func(tx *Tx) error {
						c, err := tx.Connector(ctx, "a", "s-1", jwo.MethodIdentity)
						if err != nil {
							return err
						}
						if c.Version != want {
							return errStale
						}
						// Long enough for the other writers to read the same version.
						time.Sleep(2 * time.Millisecond)
						c.Version++
						c.UpdatedBy = fmt.Sprintf("writer-%d", w)
						return tx.UpdateConnector(ctx, "a", c)
					})
					switch {
					case err == nil:
						wins.Add(1)
					case !errors.Is(err, errStale):
						t.Errorf("writer %d round %d: %v", w, round, err)
					}
				}
			})
		}
		wg.Wait()
		var got int64
		err := db.Read(ctx, func(tx *Tx) error {
			c, err := tx.Connector(ctx, "a", "s-1", jwo.MethodIdentity)
			got = c.Version
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if wins.Load() != got-1 {
			t.Fatalf("%d writes succeeded but the version went from 1 to %d: an update was lost", wins.Load(), got)
		}
		if got < 2 {
			t.Fatalf("no writer won a round (version %d)", got)
		}
	})
}

// Both engines know the same schema versions: a migration added for one
// engine only fails here.
func TestEveryMigrationExistsForBothEngines(t *testing.T) {
	t.Parallel()
	lite, err := migrations(sqliteMigrations)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := migrations(postgresMigrations)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) != len(pg) {
		t.Fatalf("%d SQLite migrations but %d PostgreSQL ones: give every change to migrations/ its form in migrations/postgres/", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].name != pg[i].name {
			t.Errorf("migration %d is %s on SQLite but %s on PostgreSQL: use one name", i+1, lite[i].name, pg[i].name)
		}
	}
}

// Replicas that start together on a new PostgreSQL database migrate it once
// (the advisory lock), and none of them fails.
func TestReplicasStartingTogetherMigrateOnce(t *testing.T) {
	t.Parallel()
	loc := engines[1].newLocation(t)
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		wg.Go(func() { errs <- Migrate(context.Background(), loc) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a replica failed to migrate: %v", err)
		}
	}
	db := openAt(t, loc)
	var version, rows int
	err := db.read.QueryRowContext(context.Background(), "SELECT max(version), count(*) FROM schema_version").Scan(&version, &rows)
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := migrations(postgresMigrations)
	if version != len(ms) || rows != 1 {
		t.Fatalf("schema_version = %d in %d rows, want %d in 1", version, rows, len(ms))
	}
}

// A run stays RUNNING while its replica's lease holds, and is swept as
// interrupted once the replica is retired or its lease has run out.
func TestSweepFinishesTheRunsOfGoneReplicasOnly(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, _ string) {
		ctx := context.Background()
		withStore(t, db)
		now := Now()
		mustWrite(t, db, func(tx *Tx) error {
			if err := tx.InsertConnector(ctx, "a", newConnector()); err != nil {
				return err
			}
			if err := tx.RegisterReplica(ctx, "lapsed", now.Add(-time.Minute), now.Add(-time.Second)); err != nil {
				return err
			}
			if err := tx.RegisterReplica(ctx, "alive", now, now.Add(time.Minute)); err != nil {
				return err
			}
			for id, replica := range map[string]string{"t-alive": "alive", "t-lapsed": "lapsed", "t-queued": ""} {
				r := running(id, "")
				r.ReplicaID = replica
				if _, err := tx.InsertTest(ctx, r); err != nil {
					return err
				}
			}
			return nil
		})
		sweep := func() []string {
			var ids []string
			mustWrite(t, db, func(tx *Tx) (err error) {
				ids, err = tx.SweepRuns(ctx, "gone", now)
				return err
			})
			return ids
		}
		if got := sweep(); len(got) != 1 || got[0] != "t-lapsed" {
			t.Fatalf("first sweep finished %v, want only t-lapsed (its lease ran out)", got)
		}
		if got := sweep(); len(got) != 0 {
			t.Fatalf("second sweep finished %v, want nothing: the live replica's run stays RUNNING", got)
		}
		mustWrite(t, db, func(tx *Tx) error { return tx.RetireReplica(ctx, "alive") })
		if got := sweep(); len(got) != 1 || got[0] != "t-alive" {
			t.Fatalf("sweep after retiring finished %v, want t-alive", got)
		}
		err := db.Read(ctx, func(tx *Tx) error {
			r, err := tx.Test(ctx, "a", "t-alive")
			if err == nil && (r.Status != jwo.TestUnsuccessful || r.Reason != jwo.ReasonInterrupted || r.CompletedAt == nil || r.ReplicaID != "alive") {
				t.Errorf("swept run = %+v", r)
			}
			if err != nil {
				return err
			}
			q, err := tx.Test(ctx, "a", "t-queued")
			if err == nil && (q.Status != jwo.TestRunning || q.ReplicaID != "") {
				t.Errorf("a queued run (claimed by no replica) was swept: %+v", q)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// A replica listening on the database hears of a run that another handle
// finishes, with its id, as the outcome commits (PostgreSQL; SQLite serves
// one process and has nothing to announce).
func TestFinishedRunsAreAnnouncedToOtherReplicas(t *testing.T) {
	t.Parallel()
	loc := engines[1].newLocation(t)
	db, other := openAt(t, loc), openAt(t, loc)
	withStore(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	heard := make(chan string, 16)
	go other.ListenRuns(ctx, RunListener{Finished: func(id string) { heard <- id }, Queued: func() {}})
	// fn("") comes once the listener is listening.
	select {
	case id := <-heard:
		if id != "" {
			t.Fatalf("first call %q, want the listening signal", id)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the listener never started")
	}
	mustWrite(t, db, func(tx *Tx) error {
		if err := tx.InsertConnector(ctx, "a", newConnector()); err != nil {
			return err
		}
		_, err := tx.InsertTest(ctx, claimed(running("t-1", ""), "r-1"))
		return err
	})
	mustWrite(t, db, func(tx *Tx) error {
		_, err := tx.FinishTest(ctx, "t-1", "r-1", Outcome{Status: jwo.TestSuccessful, CompletedAt: Now()})
		return err
	})
	select {
	case id := <-heard:
		if id != "t-1" {
			t.Fatalf("heard %q, want t-1", id)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no announcement of the finished run within 10s")
	}
}

// ConnectorWrites lists the connector events of one store of one merchant,
// in order, and nothing else of the log.
func TestConnectorWritesAreTheStoresConnectorEvents(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, _ string) {
		ctx := context.Background()
		withStore(t, db)
		now := Now()
		events := []struct {
			merchant, store string
			action          jwo.AuditAction
			method          jwo.Method
		}{
			{"a", "s-1", jwo.ActionStoreCreate, ""},
			{"a", "s-1", jwo.ActionConnectorCreate, jwo.MethodIdentity},
			{"a", "s-1", jwo.ActionTestStart, jwo.MethodIdentity},
			{"a", "s-2", jwo.ActionConnectorCreate, jwo.MethodIdentity},
			{"b", "s-1", jwo.ActionConnectorUpdate, jwo.MethodIdentity},
			{"a", "s-1", jwo.ActionConnectorUpdate, jwo.MethodIdentity},
			{"a", "s-1", jwo.ActionCatalogPut, ""},
			{"a", "s-1", jwo.ActionConnectorDelete, jwo.MethodIdentity},
			{"a", "s-1", jwo.ActionConnectorCreate, jwo.MethodLoyalty},
		}
		for i, e := range events {
			mustWrite(t, db, func(tx *Tx) error {
				if _, err := tx.EnsureMerchant(ctx, e.merchant, now); err != nil {
					return err
				}
				_, err := tx.InsertAudit(ctx, e.merchant, jwo.AuditEvent{At: now, Actor: fmt.Sprintf("actor-%d", i), Action: e.action,
					StoreID: e.store, Method: e.method, After: []byte(`{"endpoint_url":"https://a.example"}`)})
				return err
			})
		}
		var got []string
		err := db.Read(ctx, func(tx *Tx) error {
			writes, err := tx.ConnectorWrites(ctx, "a", "s-1")
			for _, w := range writes {
				if w.StoreID != "s-1" || w.At.IsZero() || w.After != nil {
					t.Errorf("event %+v: want store s-1, a time and no values", w)
				}
				got = append(got, fmt.Sprintf("%d %s %s %s", w.ID, w.Actor, w.Action, w.Method))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"2 actor-1 connector.create IDENTITY", "5 actor-5 connector.update IDENTITY",
			"7 actor-7 connector.delete IDENTITY", "8 actor-8 connector.create LOYALTY"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("ConnectorWrites =\n%v\nwant\n%v", got, want)
		}
	})
}
