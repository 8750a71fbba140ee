// Package store is the portal's persistence: one SQLite file in WAL mode with
// full synchronous commits, so that an answer is only sent for a write that
// survives a crash. Writes go through a single connection that begins with
// BEGIN IMMEDIATE, which serialises them inside the process and makes other
// processes (a token being created while the server runs) wait on
// busy_timeout instead of failing half-way. Writes that queue up together
// share one transaction and one commit, each in its own savepoint (batch.go),
// so that ten concurrent writers wait for one disk flush, not ten. Reads use their own pool of
// read-only connections and see one snapshot per transaction.
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
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrNotFound is returned when a row does not exist for the merchant.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a write breaks a uniqueness constraint.
var ErrConflict = errors.New("conflict")

// busyTimeout bounds how long a write waits for another process's lock.
const busyTimeout = 10 * time.Second

// DB is an open portal database.
type DB struct {
	path  string
	write *sql.DB
	read  *sql.DB

	mu    sync.Mutex
	stmts map[stmtKey]*sql.Stmt

	// Writes go to one goroutine that commits them in groups (batch.go).
	closeMu    sync.RWMutex
	closed     bool
	writes     chan *writeReq
	writerDone chan struct{}
}

type stmtKey struct {
	pool  *sql.DB
	query string
}

// Open opens (creating if needed) the database file and applies the embedded
// migrations that it does not have yet.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("database path is empty")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("database path %q: %w", path, err)
	}
	w, err := sql.Open("sqlite", dsn(abs, true))
	if err != nil {
		return nil, err
	}
	// One writer connection: writes queue in the pool instead of spinning on
	// SQLITE_BUSY against each other.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := migrate(ctx, w); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("database %s: %w", abs, err)
	}
	r, err := sql.Open("sqlite", dsn(abs, false))
	if err != nil {
		_ = w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	if err := r.PingContext(ctx); err != nil {
		_ = w.Close()
		_ = r.Close()
		return nil, fmt.Errorf("database %s: %w", abs, err)
	}
	db := &DB{path: abs, write: w, read: r, stmts: map[stmtKey]*sql.Stmt{},
		writes: make(chan *writeReq, maxBatch), writerDone: make(chan struct{})}
	go db.writer()
	if err := db.prepareAll(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

func dsn(path string, writer bool) string {
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(busyTimeout.Milliseconds()))
	if writer {
		q.Set("_journal_mode", "WAL")
		q.Set("_synchronous", "FULL")
		q.Set("_foreign_keys", "1")
		q.Set("_txlock", "immediate")
	} else {
		q.Set("_query_only", "1")
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: q.Encode()}
	return u.String()
}

// Path is the absolute path of the database file.
func (db *DB) Path() string { return db.path }

// Close waits for the writes already queued, then closes the prepared
// statements and both pools.
func (db *DB) Close() error {
	db.closeMu.Lock()
	if !db.closed {
		db.closed = true
		close(db.writes)
	}
	db.closeMu.Unlock()
	<-db.writerDone
	db.mu.Lock()
	for k, s := range db.stmts {
		_ = s.Close() // closing the pools below releases it in any case
		delete(db.stmts, k)
	}
	db.mu.Unlock()
	return errors.Join(db.read.Close(), db.write.Close())
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Tx is a read or write transaction.
type Tx struct {
	db   *DB
	pool *sql.DB
	tx   *sql.Tx

	// shared is set on write transactions, which several callers' writes
	// may share (batch.go).
	shared bool
}

// Write runs fn in a BEGIN IMMEDIATE transaction and commits when fn returns
// nil; an error (or a panic, which Write re-raises) undoes everything fn
// did. Writes queued at the same moment may share one transaction and one
// commit (batch.go), each undone alone if it fails; Write returns only once
// the commit that holds fn's changes is durable.
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan writeResult, 1)}
	db.closeMu.RLock()
	if db.closed {
		db.closeMu.RUnlock()
		return errClosed
	}
	select {
	case db.writes <- req:
		db.closeMu.RUnlock()
	case <-ctx.Done():
		db.closeMu.RUnlock()
		return ctx.Err()
	}
	res := <-req.done
	if res.panicked {
		panic(res.panicVal)
	}
	return res.err
}

// Read runs fn in a read-only transaction: one consistent snapshot.
func (db *DB) Read(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, db.read, &sql.TxOptions{ReadOnly: true}, fn)
}

func (db *DB) run(ctx context.Context, pool *sql.DB, opts *sql.TxOptions, fn func(*Tx) error) error {
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
	if err := fn(&Tx{db: db, pool: pool, tx: tx}); err != nil {
		return err
	}
	committed = true
	return tx.Commit()
}

// queries holds every statement the store runs; Open prepares them all, so a
// transaction never waits for a connection to prepare one.
var queries []string

func sqlQuery(q string) string {
	queries = append(queries, q)
	return q
}

func (db *DB) prepareAll(ctx context.Context) error {
	for _, q := range queries {
		pools := []*sql.DB{db.write}
		if strings.HasPrefix(strings.TrimSpace(q), "SELECT") {
			pools = append(pools, db.read)
		}
		for _, pool := range pools {
			s, err := pool.PrepareContext(ctx, q)
			if err != nil {
				return fmt.Errorf("prepare %q: %w", q, err)
			}
			db.stmts[stmtKey{pool, q}] = s
		}
	}
	return nil
}

// stmt binds a prepared statement to the transaction; database/sql keeps it
// prepared per connection, so each connection prepares it once.
func (t *Tx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	t.db.mu.Lock()
	s, ok := t.db.stmts[stmtKey{t.pool, query}]
	t.db.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("statement not registered with sqlQuery: %q", query)
	}
	return t.tx.StmtContext(ctx, s), nil
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
	if isConstraint(err) {
		return nil, fmt.Errorf("%w: %w", ErrConflict, err)
	}
	return res, err
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
	return s.QueryContext(ctx, args...)
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
	return &row{r: s.QueryRowContext(ctx, args...)}
}

// row turns sql.ErrNoRows into ErrNotFound so that callers test one error.
type row struct {
	r   *sql.Row
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
	return err
}

func isConstraint(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
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
