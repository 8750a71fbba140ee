package store

import (
	"context"
	"time"
)

var (
	qInsertSession = sqlQuery(`INSERT INTO console_sessions (session_key, token_key, via, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`)
	qSession       = sqlQuery(`SELECT session_key, token_key, via, csrf, created_at, expires_at FROM console_sessions WHERE session_key = ?`)
	qDeleteSession = sqlQuery(`DELETE FROM console_sessions WHERE session_key = ?`)
	qPurgeSessions = sqlQuery(`DELETE FROM console_sessions WHERE expires_at <= ?`)
)

// Session is a signed-in browser of the web console. It holds no token:
// TokenKey is the hex digest that tokens are looked up by.
type Session struct {
	Key       string // hex SHA-256 of the cookie value, never the value itself
	TokenKey  string
	Via       string
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// InsertSession stores a new session and removes those expired by its start.
func (t *Tx) InsertSession(ctx context.Context, s Session) error {
	if _, err := t.exec(ctx, qPurgeSessions, formatTime(s.CreatedAt)); err != nil {
		return err
	}
	_, err := t.exec(ctx, qInsertSession, s.Key, s.TokenKey, s.Via, s.CSRF, formatTime(s.CreatedAt), formatTime(s.ExpiresAt))
	return err
}

// Session reads a session by its key.
func (t *Tx) Session(ctx context.Context, key string) (Session, error) {
	var s Session
	var created, expires string
	if err := t.queryRow(ctx, qSession, key).Scan(&s.Key, &s.TokenKey, &s.Via, &s.CSRF, &created, &expires); err != nil {
		return Session{}, err
	}
	var err error
	if s.CreatedAt, err = parseTime(created); err != nil {
		return Session{}, err
	}
	if s.ExpiresAt, err = parseTime(expires); err != nil {
		return Session{}, err
	}
	return s, nil
}

// DeleteSession ends a session; ending one that is gone is no error.
func (t *Tx) DeleteSession(ctx context.Context, key string) error {
	_, err := t.exec(ctx, qDeleteSession, key)
	return err
}
