package store

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// engine makes the empty database of one conformance test.
type engine struct {
	name        string
	newLocation func(t *testing.T) string
}

// A file name with characters that a URL would misread.
func sqliteLocation(t *testing.T) string { return filepath.Join(t.TempDir(), "portal db?#.sqlite") }

var engines = []engine{
	{"sqlite", sqliteLocation},
	{"postgres", func(t *testing.T) string { return pgtest.NewDatabase(t) }},
}

// conformance runs one test of the storage contract on every engine, in
// parallel: the behaviour above the store must not depend on the engine.
func conformance(t *testing.T, test func(t *testing.T, db *DB, location string)) {
	t.Parallel()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			loc := e.newLocation(t)
			test(t, openAt(t, loc), loc)
		})
	}
}

func openAt(t *testing.T, location string) *DB {
	t.Helper()
	db, err := Open(context.Background(), location)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// openTemp opens a SQLite file, for the tests of what only SQLite has
// (pragmas, group commit).
func openTemp(t *testing.T) (*DB, string) {
	t.Helper()
	path := sqliteLocation(t)
	return openAt(t, path), path
}

var profile = jwo.StoreProfile{
	ID: "s-1", Name: "Store 1", StoreType: jwo.StoreTypeJWO, Region: "us-east-1",
	EntryMethods: []jwo.EntryMethod{jwo.EntryAppQR}, FraudAndAbuseStrategy: jwo.FraudNone, OrderDelegation: true,
}

func mustWrite(t *testing.T, db *DB, fn func(*Tx) error) {
	t.Helper()
	if err := db.Write(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func TestOpenSetsPragmasAndMigratesOnce(t *testing.T) {
	t.Parallel()
	db, path := openTemp(t)
	ctx := context.Background()
	var mode string
	if err := db.write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
	}
	var sync, fk, version int
	if err := db.write.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		t.Fatalf("PRAGMA synchronous: %v", err)
	}
	if err := db.write.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		t.Fatalf("PRAGMA foreign_keys: %v", err)
	}
	if err := db.write.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		t.Fatalf("PRAGMA user_version: %v", err)
	}
	ms, err := migrations(sqliteMigrations)
	if err != nil {
		t.Fatal(err)
	}
	if sync != 2 || fk != 1 || version != len(ms) {
		t.Fatalf("synchronous=%d foreign_keys=%d user_version=%d; want 2 1 %d", sync, fk, version, len(ms))
	}
	db2, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("second open of a migrated file: %v", err)
	}
	if err := db2.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestRowsAreScopedByMerchant(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, _ string) {
		ctx := context.Background()
		now := Now()
		mustWrite(t, db, func(tx *Tx) error {
			for _, m := range []string{"a", "b"} {
				if _, err := tx.EnsureMerchant(ctx, m, now); err != nil {
					return err
				}
			}
			return tx.InsertStore(ctx, "a", profile, now)
		})
		err := db.Read(ctx, func(tx *Tx) error {
			if _, err := tx.Store(ctx, "b", "s-1"); !errors.Is(err, ErrNotFound) {
				t.Errorf("merchant b reads a's store: err = %v, want ErrNotFound", err)
			}
			got, err := tx.Store(ctx, "a", "s-1")
			if err != nil {
				return err
			}
			if got.Name != "Store 1" || len(got.EntryMethods) != 1 || !got.OrderDelegation {
				t.Errorf("store = %+v", got)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// The same id under another merchant is another store, not a conflict.
		mustWrite(t, db, func(tx *Tx) error { return tx.InsertStore(ctx, "b", profile, now) })
		err = db.Write(ctx, func(tx *Tx) error { return tx.InsertStore(ctx, "a", profile, now) })
		if !errors.Is(err, ErrConflict) {
			t.Fatalf("duplicate store: err = %v, want ErrConflict", err)
		}
	})
}

func TestFailedWriteRollsBack(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, _ string) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.Write(ctx, func(tx *Tx) error {
			if _, err := tx.EnsureMerchant(ctx, "a", Now()); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		mustWrite(t, db, func(tx *Tx) error {
			created, err := tx.EnsureMerchant(ctx, "a", Now())
			if !created {
				t.Error("merchant survived a rolled-back write")
			}
			return err
		})
	})
}

func TestAuditRoundTripsJSONAndNull(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, _ string) {
		ctx := context.Background()
		at := Now()
		mustWrite(t, db, func(tx *Tx) error {
			if _, err := tx.EnsureMerchant(ctx, "a", at); err != nil {
				return err
			}
			_, err := tx.InsertAudit(ctx, "a", jwo.AuditEvent{At: at, Actor: "x", Action: jwo.ActionStoreCreate, StoreID: "s-1",
				After: json.RawMessage(`{"id":"s-1"}`)})
			return err
		})
		err := db.Read(ctx, func(tx *Tx) error {
			evs, err := tx.AuditEvents(ctx, "a", "", 0, 10, true)
			if err != nil || len(evs) != 1 {
				t.Fatalf("events = %v, %v", evs, err)
			}
			b, _ := json.Marshal(evs[0])
			want := `{"id":1,"at":"` + at.Format(time.RFC3339Nano) + `","actor":"x","action":"store.create","store_id":"s-1","before":null,"after":{"id":"s-1"}}`
			if string(b) != want {
				t.Errorf("event JSON\n got %s\nwant %s", b, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// Two handles on one database stand for two processes (two replicas on
// PostgreSQL): a token created by one is visible to the other, and neither
// write fails on a busy lock or a serialisation failure.
func TestTwoHandlesWriteTheSameDatabase(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, path string) {
		ctx := context.Background()
		other, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = other.Close() }()
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 20 {
			for h, handle := range []*DB{db, other} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- handle.Write(ctx, func(tx *Tx) error {
						if _, err := tx.EnsureMerchant(ctx, "a", Now()); err != nil {
							return err
						}
						_, err := tx.InsertToken(ctx, []byte{byte(h), byte(i)}, Token{MerchantID: "a", Role: jwo.RoleViewer, Name: "t", CreatedAt: Now()})
						return err
					})
				}()
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.LookupToken(ctx, []byte{1, 3}); err != nil {
			t.Fatalf("token written through the other handle: %v", err)
		}
	})
}

// The database, its WAL and its SHM hold every merchant's audit log and
// token hashes: only the portal's user may read them, whatever the umask,
// and a file left readable by an older portal is made private on open.
func TestDatabaseFilesArePrivate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "portal.db")
	check := func(when string) {
		t.Helper()
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			st, err := os.Stat(p)
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("%s: %s has mode %v, want -rw-------", when, filepath.Base(p), st.Mode().Perm())
			}
		}
	}
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Write(t.Context(), func(tx *Tx) error {
		_, err := tx.EnsureMerchant(t.Context(), "a", Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	check("a new database after a write")
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db2, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	check("an existing database left 0644")
	_ = db2.Close()
	_ = db.Close()
}
