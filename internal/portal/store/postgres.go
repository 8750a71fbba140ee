package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// defaultPoolSize is the pool of one portal process when the URL sets no
// pool_max_conns: enough for the default 16 test workers and as many
// requests writing at once.
const defaultPoolSize = 16

// maxSerializeAttempts bounds how often a write runs again after PostgreSQL
// ended it in a race with another replica's write (retryable); each attempt
// is one round of a race that some writer always wins.
const maxSerializeAttempts = 30

// pgEngine is what the PostgreSQL engine keeps beside the database/sql
// handle: the pgx pool underneath (LISTEN needs a connection of its own).
type pgEngine struct {
	pool *pgxpool.Pool
}

var (
	pgQueriesOnce sync.Once
	pgQueries     map[string]string
)

// pgQuery is a registered query with $1, $2, ... for SQLite's ?.
func pgQuery(q string) string {
	pgQueriesOnce.Do(func() {
		pgQueries = make(map[string]string, len(queries))
		for _, q := range queries {
			pgQueries[q] = rebind(q)
		}
	})
	if p, ok := pgQueries[q]; ok {
		return p
	}
	return rebind(q)
}

// rebind numbers the placeholders; no registered query has a ? inside a
// string literal.
func rebind(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func openPostgres(ctx context.Context, location string) (*DB, error) {
	shown := Display(location)
	cfg, err := pgxpool.ParseConfig(location)
	if err != nil {
		return nil, fmt.Errorf("database URL %s: %w", shown, redactError(err, location))
	}
	if !hasQueryParam(location, "pool_max_conns") {
		cfg.MaxConns = defaultPoolSize
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", shown, redactError(err, location))
	}
	if err := migratePostgres(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database %s: %w", shown, redactError(err, location))
	}
	h := stdlib.OpenDBFromPool(pool)
	return &DB{write: h, read: h, pg: &pgEngine{pool: pool}}, nil
}

func hasQueryParam(location, name string) bool {
	u, err := url.Parse(location)
	return err == nil && u.Query().Has(name)
}

func (e *pgEngine) close(db *DB) error {
	err := db.write.Close()
	e.pool.Close()
	return err
}

// pgStatement runs a registered query in a transaction; pgx prepares and
// caches it per connection on first use.
type pgStatement struct {
	tx *sql.Tx
	q  string
}

func (e *pgEngine) stmt(tx *sql.Tx, query string, write bool) (statement, error) {
	q := pgQuery(query)
	if lock, ok := rowLocks[query]; ok && write {
		q += " " + lock
	}
	return pgStatement{tx: tx, q: q}, nil
}

func (s pgStatement) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return s.tx.ExecContext(ctx, s.q, args...)
}

func (s pgStatement) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	return s.tx.QueryContext(ctx, s.q, args...)
}

func (s pgStatement) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return s.tx.QueryRowContext(ctx, s.q, args...)
}

// write runs fn in a READ COMMITTED transaction whose reads by key lock
// their rows (rowLocks), and runs it again when PostgreSQL ends it: a
// deadlock between two replicas' locks, or a unique key that another
// replica's transaction inserted after this one found it missing (two
// creates of one connector, two POSTs with one Idempotency-Key). The next
// attempt reads what the winner committed, so an If-Match loser sees the new
// version and answers 412, and a repeated Idempotency-Key finds the
// winner's run.
//
// SERIALIZABLE would be simpler to reason about, but its predicate locks
// cover whole pages of small tables, so that writers of different
// connectors failed each other by the dozen: 16 writers on one replica
// exhausted their retries (see PERFORMANCE.md).
func (e *pgEngine) write(ctx context.Context, db *DB, fn func(*Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := db.run(ctx, db.write, &sql.TxOptions{Isolation: sql.LevelReadCommitted}, true, fn)
		if err == nil || !retryable(err, attempt) || attempt == maxSerializeAttempts {
			return db.classify(err)
		}
		// Jittered, so that the writers of one race do not meet again.
		backoff := time.Duration(rand.Int64N(int64(time.Millisecond) << min(attempt, 6)))
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// uniqueRetries is how many attempts a write gets when it breaks a unique
// key: a concurrent transaction on another replica inserted the same key
// (two POSTs with one Idempotency-Key) after this one looked for it, and the
// next attempt finds the winner's row. A key that really is taken fails
// again, and the caller sees ErrConflict.
const uniqueRetries = 3

func retryable(err error, attempt int) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Code {
	case "40001", "40P01": // serialization_failure, deadlock_detected
		return true
	case "23505": // unique_violation
		return attempt < uniqueRetries
	}
	return false
}

func pgKind(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "23"): // integrity constraint violation
			return ErrConflict
		case strings.HasPrefix(pe.Code, "08"), // connection exception
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03": // shutting down, crashed, starting up
			return ErrUnavailable
		}
		return nil
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err) ||
		strings.Contains(err.Error(), "conn closed") {
		return ErrUnavailable
	}
	return nil
}

// listenRetry is the pause before listening again after the connection of
// ListenRuns was lost (PostgreSQL restarting).
const listenRetry = 500 * time.Millisecond

// listen holds a connection of its own (taken out of the pool) with LISTEN
// on runFinishedChannel and runQueuedChannel; when it is lost it tells l so
// and listens again on a new one.
func (e *pgEngine) listen(ctx context.Context, l RunListener) {
	missed := func() {
		l.Finished("")
		l.Queued()
	}
	for {
		_ = e.listenOnce(ctx, l, missed) // any failure ends in a new connection below
		missed()
		select {
		case <-time.After(listenRetry):
		case <-ctx.Done():
			return
		}
	}
}

func (e *pgEngine) listenOnce(ctx context.Context, l RunListener, missed func()) error {
	pc, err := e.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	conn := pc.Hijack()
	defer func() { _ = conn.Close(context.Background()) }() // a listening connection is never given back
	for _, ch := range []string{runFinishedChannel, runQueuedChannel} {
		if _, err := conn.Exec(ctx, "LISTEN "+ch); err != nil {
			return err
		}
	}
	// Listening from here on: what happened before is in the database.
	missed()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if n.Channel == runQueuedChannel {
			l.Queued()
		} else {
			l.Finished(n.Payload)
		}
	}
}
