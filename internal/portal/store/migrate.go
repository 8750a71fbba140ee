package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Migrations are numbered files applied in order, one set per engine with
// the same numbers: migrations/*.sql for SQLite, migrations/postgres/*.sql
// for PostgreSQL. A database records how many it has in the same
// transaction as the schema change, so a crash never leaves it half-migrated.
//
//go:embed migrations/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

const (
	sqliteMigrations   = "migrations"
	postgresMigrations = "migrations/postgres"
)

type migration struct {
	version int
	name    string
	sql     string
}

func migrations(dir string) ([]migration, error) {
	names, err := fs.Glob(migrationFS, dir+"/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]migration, 0, len(names))
	for i, name := range names {
		base := strings.TrimPrefix(name, dir+"/")
		n, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil || n != i+1 {
			return nil, fmt.Errorf("migration %s/%s: file names must be numbered 0001_, 0002_, ... without gaps", dir, base)
		}
		b, err := migrationFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: n, name: base, sql: string(b)})
	}
	return out, nil
}

func tooNew(have, known int) error {
	return fmt.Errorf("schema version %d is newer than this portal knows (%d): use a newer jwo-portal", have, known)
}

// migrateSQLite runs under BEGIN IMMEDIATE and reads PRAGMA user_version
// inside the transaction, so two processes opening a new file at once apply
// each migration exactly once.
func migrateSQLite(ctx context.Context, db *sql.DB) (err error) {
	ms, err := migrations(sqliteMigrations)
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback() // the error that brought us here is the one to report
		}
	}()
	var have int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		return err
	}
	if have > len(ms) {
		return tooNew(have, len(ms))
	}
	if have == len(ms) {
		return tx.Commit()
	}
	for _, m := range ms[have:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(ms))); err != nil {
		return err
	}
	return tx.Commit()
}

// migrationLock is the key of the advisory lock that migrations hold: the
// replicas that start together wait for the first one, then find nothing
// left to do. (The bytes spell "jwomigr".)
const migrationLock int64 = 0x6a776f6d696772

// migratePostgres applies the missing migrations in one transaction under a
// transaction-scoped advisory lock; DDL is transactional in PostgreSQL, so a
// failed migration leaves the schema as it was.
func migratePostgres(ctx context.Context, pool *pgxpool.Pool) error {
	ms, err := migrations(postgresMigrations)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
			return fmt.Errorf("take the migration lock: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			one     BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
			version INTEGER NOT NULL)`); err != nil {
			return err
		}
		var have int
		err := tx.QueryRow(ctx, "SELECT version FROM schema_version").Scan(&have)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if have > len(ms) {
			return tooNew(have, len(ms))
		}
		for _, m := range ms[have:] {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migration postgres/%s: %w", m.name, err)
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO schema_version (version) VALUES ($1)
			ON CONFLICT (one) DO UPDATE SET version = excluded.version`, len(ms))
		return err
	})
}
