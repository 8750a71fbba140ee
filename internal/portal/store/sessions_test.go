package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func mustRead(t *testing.T, db *DB, fn func(*Tx) error) {
	t.Helper()
	if err := db.Read(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func TestConsoleSessionsLiveUntilEndedOrPurged(t *testing.T) {
	conformance(t, func(t *testing.T, db *DB, _ string) {
		ctx := context.Background()
		now := Now()
		s := Session{Key: "k-live", TokenKey: "digest", Via: "console", CSRF: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		old := Session{Key: "k-old", TokenKey: "digest", Via: "console", CSRF: "c", CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(-time.Hour)}
		mustWrite(t, db, func(tx *Tx) error { return tx.InsertSession(ctx, old) })
		mustWrite(t, db, func(tx *Tx) error { return tx.InsertSession(ctx, s) })
		var got Session
		mustRead(t, db, func(tx *Tx) (err error) { got, err = tx.Session(ctx, s.Key); return err })
		if got != s {
			t.Fatalf("session read back as %+v, want %+v", got, s)
		}
		// Starting a session removed the one that had expired.
		mustRead(t, db, func(tx *Tx) error {
			if _, err := tx.Session(ctx, old.Key); !errors.Is(err, ErrNotFound) {
				t.Errorf("expired session still there: %v", err)
			}
			return nil
		})
		mustWrite(t, db, func(tx *Tx) error { return tx.DeleteSession(ctx, s.Key) })
		mustWrite(t, db, func(tx *Tx) error { return tx.DeleteSession(ctx, s.Key) }) // gone already: no error
		mustRead(t, db, func(tx *Tx) error {
			if _, err := tx.Session(ctx, s.Key); !errors.Is(err, ErrNotFound) {
				t.Errorf("ended session still there: %v", err)
			}
			return nil
		})
	})
}
