package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// busyTimeout bounds how long a write waits for another process's lock.
const busyTimeout = 10 * time.Second

// sqliteEngine is what the SQLite engine keeps beside the two pools: the
// prepared statements and the group-commit writer (batch.go).
type sqliteEngine struct {
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

func openSQLite(ctx context.Context, path string) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("database path %q: %w", path, err)
	}
	if err := makePrivate(abs); err != nil {
		return nil, err
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
	if err := migrateSQLite(ctx, w); err != nil {
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
	lite := &sqliteEngine{stmts: map[stmtKey]*sql.Stmt{},
		writes: make(chan *writeReq, maxBatch), writerDone: make(chan struct{})}
	db := &DB{write: w, read: r, lite: lite}
	go lite.writer(db)
	if err := lite.prepareAll(ctx, db); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// privateMode is the mode of the database file, its WAL and its shared
// memory file: they hold the audit log and token hashes of every merchant.
const privateMode fs.FileMode = 0o600

// makePrivate creates the database file 0600 before SQLite does (SQLite
// gives the WAL and SHM files the mode of the database file), and takes
// group and other access away from an existing file and its companions.
func makePrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, privateMode)
	if err != nil {
		return fmt.Errorf("database %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("database %s: %w", path, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("database %s: %w", p, err)
		}
		if st.Mode().Perm()&^privateMode != 0 {
			if err := os.Chmod(p, privateMode); err != nil {
				return fmt.Errorf("database %s has mode %v, readable by others, and cannot be made 0600: %w", p, st.Mode().Perm(), err)
			}
		}
	}
	return nil
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

// close waits for the writes already queued, then closes the prepared
// statements and both pools.
func (e *sqliteEngine) close(db *DB) error {
	e.closeMu.Lock()
	if !e.closed {
		e.closed = true
		close(e.writes)
	}
	e.closeMu.Unlock()
	<-e.writerDone
	e.mu.Lock()
	for k, s := range e.stmts {
		_ = s.Close() // closing the pools below releases it in any case
		delete(e.stmts, k)
	}
	e.mu.Unlock()
	return errors.Join(db.read.Close(), db.write.Close())
}

// write queues fn for the group-commit writer (batch.go) and waits for its
// commit.
func (e *sqliteEngine) write(ctx context.Context, fn func(*Tx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan writeResult, 1)}
	e.closeMu.RLock()
	if e.closed {
		e.closeMu.RUnlock()
		return errClosed
	}
	select {
	case e.writes <- req:
		e.closeMu.RUnlock()
	case <-ctx.Done():
		e.closeMu.RUnlock()
		return ctx.Err()
	}
	res := <-req.done
	if res.panicked {
		panic(res.panicVal)
	}
	return res.err
}

func (e *sqliteEngine) prepareAll(ctx context.Context, db *DB) error {
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
			e.stmts[stmtKey{pool, q}] = s
		}
	}
	return nil
}

// prepared is a statement prepared at Open, outside any transaction.
func (e *sqliteEngine) prepared(pool *sql.DB, query string) (*sql.Stmt, error) {
	e.mu.Lock()
	s, ok := e.stmts[stmtKey{pool, query}]
	e.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("statement not registered with sqlQuery: %q", query)
	}
	return s, nil
}

// stmt binds a prepared statement to the transaction; database/sql keeps it
// prepared per connection, so each connection prepares it once.
func (e *sqliteEngine) stmt(ctx context.Context, t *Tx, query string) (statement, error) {
	s, err := e.prepared(t.pool, query)
	if err != nil {
		return nil, err
	}
	return t.tx.StmtContext(ctx, s), nil
}

func sqliteKind(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT {
		return ErrConflict
	}
	return nil
}
