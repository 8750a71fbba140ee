package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store/pgtest"
)

// auditIDs lists a merchant's audit ids in order.
func auditIDs(t *testing.T, db *DB, merchant string) []int64 {
	t.Helper()
	var ids []int64
	err := db.Read(t.Context(), func(tx *Tx) error {
		events, err := tx.AuditEvents(t.Context(), merchant, "", 0, 1000, true)
		for _, e := range events {
			ids = append(ids, e.ID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func seq(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i + 1)
	}
	return out
}

// Two merchants writing in turn: each one's audit ids are 1, 2, 3, ...
// without the gaps that the other's events would make in a shared sequence.
func TestAuditIDsArePerMerchantWithoutGaps(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, _ string) {
		ctx := t.Context()
		now := Now()
		for i := range 7 {
			merchant := "a"
			if i%3 != 0 {
				merchant = "b"
			}
			mustWrite(t, db, func(tx *Tx) error {
				if _, err := tx.EnsureMerchant(ctx, merchant, now); err != nil {
					return err
				}
				_, err := tx.InsertAudit(ctx, merchant, jwo.AuditEvent{At: now, Actor: "t", Action: jwo.ActionStoreCreate, StoreID: "s"})
				return err
			})
		}
		// A write that fails after taking a number gives it back with its rollback.
		_ = db.Write(ctx, func(tx *Tx) error {
			if _, err := tx.InsertAudit(ctx, "a", jwo.AuditEvent{At: now, Actor: "t", Action: jwo.ActionStoreCreate, StoreID: "s"}); err != nil {
				return err
			}
			return ErrConflict
		})
		if got := auditIDs(t, db, "a"); !slices.Equal(got, seq(3)) {
			t.Errorf("merchant a's audit ids = %v, want %v", got, seq(3))
		}
		if got := auditIDs(t, db, "b"); !slices.Equal(got, seq(4)) {
			t.Errorf("merchant b's audit ids = %v, want %v", got, seq(4))
		}
	})
}

// oldRows are what a database made before per-merchant numbering holds:
// two merchants' events interleaved and a token without an id.
var oldRows = []string{
	`INSERT INTO merchants (id, created_at) VALUES ('a', '2026-01-01T00:00:00.000Z'), ('b', '2026-01-01T00:00:00.000Z')`,
}

func init() {
	for _, m := range []string{"a", "b", "b", "a", "b", "a"} {
		oldRows = append(oldRows, `INSERT INTO audit_events (merchant_id, at, actor, action, store_id) VALUES ('`+m+`', '2026-01-01T00:00:00.000Z', 't', 'store.create', 's')`)
	}
}

// A database at version 1 is renumbered per merchant by migration 0003, in
// the order of its events, later events continue the numbers, and its token
// is named by its hash.
func TestMigrationNumbersExistingAuditEventsPerMerchant(t *testing.T) {
	t.Parallel()
	checkMigrated := func(t *testing.T, location string) {
		db := openAt(t, location)
		mustWrite(t, db, func(tx *Tx) error {
			_, err := tx.InsertAudit(t.Context(), "b", jwo.AuditEvent{At: Now(), Actor: "t", Action: jwo.ActionStoreUpdate, StoreID: "s"})
			return err
		})
		if got := auditIDs(t, db, "a"); !slices.Equal(got, seq(3)) {
			t.Errorf("merchant a after migration: %v, want %v", got, seq(3))
		}
		if got := auditIDs(t, db, "b"); !slices.Equal(got, seq(4)) {
			t.Errorf("merchant b after migration and one more event: %v, want %v", got, seq(4))
		}
		var tok Token
		err := db.Read(t.Context(), func(tx *Tx) error {
			var err error
			tok, err = tx.TokenByID(t.Context(), "tok_001122334455667788")
			return err
		})
		if err != nil || tok.Name != "old" || tok.ExpiresAt != nil || tok.RevokedAt != nil {
			t.Errorf("the old token after migration: %+v, %v; want it named by its hash, not expiring, not revoked", tok, err)
		}
	}
	tokenRow := map[bool]string{
		false: `INSERT INTO tokens (hash, merchant_id, role, name, created_at) VALUES (x'00112233445566778899', 'a', 'admin', 'old', '2026-01-01T00:00:00.000Z')`,
		true:  `INSERT INTO tokens (hash, merchant_id, role, name, created_at) VALUES ('\x00112233445566778899'::bytea, 'a', 'admin', 'old', '2026-01-01T00:00:00.000Z')`,
	}
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			t.Parallel()
			checkMigrated(t, oldDatabase(t, pg, 1, append(append([]string{}, oldRows...), tokenRow[pg])))
		})
	}
}

// oldDatabase is a new database of the engine (PostgreSQL when pg) at
// schema version, as a portal of that time left it, holding rows: what a
// later migration finds.
func oldDatabase(t *testing.T, pg bool, version int, rows []string) string {
	t.Helper()
	dir := sqliteMigrations
	if pg {
		dir = postgresMigrations
	}
	ms, err := migrations(dir)
	if err != nil {
		t.Fatal(err)
	}
	var stmts []string
	for _, m := range ms[:version] {
		stmts = append(stmts, m.sql)
	}
	if !pg {
		loc := sqliteLocation(t)
		old, err := sql.Open("sqlite", dsn(loc, true))
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = old.Close() }()
		for _, s := range append(append(stmts, fmt.Sprintf("PRAGMA user_version = %d", version)), rows...) {
			if _, err := old.ExecContext(context.Background(), s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
		return loc
	}
	loc := pgtest.NewDatabase(t)
	pool, err := pgxpool.New(t.Context(), loc)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	stmts = append(stmts, `CREATE TABLE schema_version (one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), version INTEGER NOT NULL)`,
		fmt.Sprintf(`INSERT INTO schema_version (version) VALUES (%d)`, version))
	for _, s := range append(stmts, rows...) {
		if _, err := pool.Exec(t.Context(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return loc
}
