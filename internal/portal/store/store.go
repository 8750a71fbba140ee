// Package store is the portal's persistence, behind one contract (DB, Tx
// and the Tx methods) with two engines. Every engine must make an answer
// wait for a durable commit, give each read transaction one snapshot, and
// make concurrent writes behave as if they ran one after the other.
//
// SQLite (sqlite.go, the default) is one file in WAL mode with full
// synchronous commits. Writes go through a single connection that begins with
// BEGIN IMMEDIATE, which serialises them inside the process and makes other
// processes (a token being created while the server runs) wait on
// busy_timeout instead of failing half-way. Writes that queue up together
// share one transaction and one commit, each in its own savepoint (batch.go),
// so that ten concurrent writers wait for one disk flush, not ten. Reads use
// their own pool of read-only connections.
//
// PostgreSQL (postgres.go) serves several portal replicas on one database:
// a write transaction locks the rows it reads by key (rowLocks) and is run
// again when it loses a race (a deadlock, a unique key taken meanwhile), so
// two replicas racing on one row behave like two writers in one process;
// migrations run under an advisory lock.
//
// The package holds no domain rule: the portal decides, inside a write
// transaction, what to change; the store only reads and writes rows, always
// scoped by merchant.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNotFound is returned when a row does not exist for the merchant.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a write breaks a uniqueness constraint.
var ErrConflict = errors.New("conflict")

// DB is an open portal database on one of the two engines. Everything
// above the store sees only DB and Tx; which engine holds the rows is decided
// once, by the location Open is given.
type DB struct {
	write *sql.DB
	read  *sql.DB

	// Exactly one of the two is set.
	lite *sqliteEngine
	pg   *pgEngine
}

// IsPostgresURL tells whether a database location names PostgreSQL: a
// postgres:// or postgresql:// URL. Anything else is a SQLite file path.
func IsPostgresURL(location string) bool {
	l := strings.ToLower(location)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// Open opens the database at location, applying the embedded migrations
// that it does not have yet: a postgres:// or postgresql:// URL opens
// PostgreSQL, anything else is a SQLite file, created if needed.
func Open(ctx context.Context, location string) (*DB, error) {
	if location == "" {
		return nil, errors.New("database location is empty: give a SQLite file path or a postgres:// URL")
	}
	if IsPostgresURL(location) {
		return openPostgres(ctx, location)
	}
	return openSQLite(ctx, location)
}

// Migrate applies the migrations the database does not have yet and closes
// it: what `jwo-portal migrate` does.
func Migrate(ctx context.Context, location string) error {
	db, err := Open(ctx, location)
	if err != nil {
		return err
	}
	return db.Close()
}

// Engine names the engine: "sqlite" or "postgres".
func (db *DB) Engine() string {
	if db.pg != nil {
		return "postgres"
	}
	return "sqlite"
}

// Close waits for the writes already queued, then closes the database.
func (db *DB) Close() error {
	if db.pg != nil {
		return db.pg.close(db)
	}
	return db.lite.close(db)
}

// RunListener is what ListenRuns calls. Finished gets the id of every run
// whose outcome a replica commits (FinishTest, SweepRuns, ...), Queued is
// called for every run queued (InsertTest). Finished("") and Queued() also
// mean that some announcements may have been missed (the connection to the
// database was lost): whoever waits should look again.
type RunListener struct {
	Finished func(id string)
	Queued   func()
}

// ListenRuns calls l as runs are queued and finished on any replica, until
// ctx ends. On SQLite, which serves one process, the process knows its own
// runs and ListenRuns only waits for ctx.
func (db *DB) ListenRuns(ctx context.Context, l RunListener) {
	if db.pg == nil {
		<-ctx.Done()
		return
	}
	db.pg.listen(ctx, l)
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.classify(db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one))
}

// Tx is a read or write transaction.
type Tx struct {
	db   *DB
	pool *sql.DB
	tx   *sql.Tx

	// shared is set on write transactions, which several callers' writes
	// may share (batch.go).
	shared bool
	// write is set on PostgreSQL's write transactions, whose reads by key
	// lock what they read (lockedRead).
	write bool
}

// Write runs fn in a write transaction and commits when fn returns nil; an
// error (or a panic, which Write re-raises) undoes everything fn did. It
// returns only once the commit that holds fn's changes is durable.
//
// fn may run more than once: on PostgreSQL, a write that loses a race with
// another replica's (a deadlock, a unique key inserted meanwhile) runs again
// and then reads what the winner committed. fn must therefore set its results afresh on
// every call rather than accumulate them, and do nothing outside tx that it
// cannot repeat. On SQLite, writes queued at the same moment share one
// transaction and one commit (batch.go), each undone alone if it fails.
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error {
	if db.pg != nil {
		return db.pg.write(ctx, db, fn)
	}
	return db.lite.write(ctx, fn)
}

// Read runs fn in a read-only transaction: one consistent snapshot.
func (db *DB) Read(ctx context.Context, fn func(*Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.pg != nil {
		// READ COMMITTED would give each statement its own snapshot.
		opts.Isolation = sql.LevelRepeatableRead
	}
	return db.classify(db.run(ctx, db.read, opts, false, fn))
}

func (db *DB) run(ctx context.Context, pool *sql.DB, opts *sql.TxOptions, write bool, fn func(*Tx) error) error {
	tx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	// Rolled back on every way out but a commit, panics included: a leaked
	// transaction would hold the only writer connection for good.
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback() // fn's error (or the panic) is the one to report
		}
	}()
	if err := fn(&Tx{db: db, pool: pool, tx: tx, write: write}); err != nil {
		return err
	}
	committed = true
	return tx.Commit()
}

// queries holds every statement the store runs; SQLite prepares them all at
// Open, so a transaction never waits for a connection to prepare one, and
// PostgreSQL gets each with $n placeholders.
var queries []string

func sqlQuery(q string) string {
	queries = append(queries, q)
	return q
}

// rowLocks holds, for the reads by key that a write transaction bases a
// change on, the lock PostgreSQL takes on the rows they return: FOR UPDATE
// on a row the transaction may change, FOR SHARE on one it relies on. Two
// replicas writing one row then take turns, and the second reads what the
// first committed; rows of other keys never wait for each other. (SQLite
// runs one write transaction at a time and needs no lock.)
var rowLocks = map[string]string{}

// lockedRead registers a read by key with the lock of rowLocks.
func lockedRead(lock, q string) string {
	rowLocks[q] = lock
	return sqlQuery(q)
}

// statementContext is the context a statement runs under. In a shared write
// transaction a caller's cancellation must not interrupt a statement: SQLite
// answers an interrupted write by rolling back the whole transaction, and with
// it the savepoints of every other caller in the batch. A caller that gave up
// still stops at its next statement, before it runs.
func (t *Tx) statementContext(ctx context.Context) (context.Context, error) {
	if !t.shared {
		return ctx, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return context.WithoutCancel(ctx), nil
}

// statement is one registered query as a transaction runs it: a prepared
// statement on SQLite, the query with $n placeholders on PostgreSQL.
type statement interface {
	ExecContext(ctx context.Context, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, args ...any) *sql.Row
}

func (t *Tx) stmt(ctx context.Context, query string) (statement, error) {
	if t.db.pg != nil {
		return t.db.pg.stmt(t.tx, query, t.write)
	}
	return t.db.lite.stmt(ctx, t, query)
}

func (t *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx, err := t.statementContext(ctx)
	if err != nil {
		return nil, err
	}
	s, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	res, err := s.ExecContext(ctx, args...)
	return res, t.db.classify(err)
}

func (t *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx, err := t.statementContext(ctx)
	if err != nil {
		return nil, err
	}
	s, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := s.QueryContext(ctx, args...)
	return rows, t.db.classify(err)
}

func (t *Tx) queryRow(ctx context.Context, query string, args ...any) *row {
	ctx, err := t.statementContext(ctx)
	if err != nil {
		return &row{err: err}
	}
	s, err := t.stmt(ctx, query)
	if err != nil {
		return &row{err: err}
	}
	return &row{r: s.QueryRowContext(ctx, args...), db: t.db}
}

// queryRowOutsideTx runs a registered read on the read pool without a
// transaction.
func (db *DB) queryRowOutsideTx(ctx context.Context, query string, args ...any) *row {
	if db.pg != nil {
		return &row{r: db.read.QueryRowContext(ctx, pgQuery(query), args...), db: db}
	}
	s, err := db.lite.prepared(db.read, query)
	if err != nil {
		return &row{err: err}
	}
	return &row{r: s.QueryRowContext(ctx, args...), db: db}
}

// row turns sql.ErrNoRows into ErrNotFound so that callers test one error.
type row struct {
	r   *sql.Row
	db  *DB
	err error
}

func (r *row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	err := r.r.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return r.db.classify(err)
}

// ErrUnavailable wraps an error that says the database cannot be reached
// (PostgreSQL restarting, the network to it down): the portal answers 503
// with Retry-After, and nothing of the write was saved.
var ErrUnavailable = errors.New("the database is unavailable")

// classify turns an engine's error into the store's: ErrConflict for a
// broken uniqueness or foreign key, ErrUnavailable for a lost connection.
// The engine's error stays wrapped.
func (db *DB) classify(err error) error {
	if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) || errors.Is(err, ErrUnavailable) {
		return err
	}
	var kind error
	if db.pg != nil {
		kind = pgKind(err)
	} else {
		kind = sqliteKind(err)
	}
	if kind == nil {
		return err
	}
	return fmt.Errorf("%w: %w", kind, err)
}

// timeLayout keeps milliseconds, always three digits, so that stored text
// sorts like time and every read gives back the same instant.
const timeLayout = "2006-01-02T15:04:05.000Z"

// Now is the current time at the precision the store keeps. Callers use it
// so that what they answer equals what a later read returns.
func Now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return formatTime(*t)
}

func parseNullTime(s sql.NullString) (*time.Time, error) {
	if !s.Valid {
		return nil, nil
	}
	t, err := parseTime(s.String)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
