package store

import (
	"context"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

var (
	qEnsureMerchant = sqlQuery(`INSERT INTO merchants (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`)
	qInsertToken    = sqlQuery(`INSERT INTO tokens (hash, merchant_id, role, name, created_at) VALUES (?, ?, ?, ?, ?)`)
	qToken          = sqlQuery(`SELECT merchant_id, role, name, created_at FROM tokens WHERE hash = ?`)
)

// Token is what the store knows of an API token: never the token itself.
type Token struct {
	MerchantID string
	Role       jwo.Role
	Name       string
	CreatedAt  time.Time
}

// EnsureMerchant creates the merchant if it does not exist yet.
func (t *Tx) EnsureMerchant(ctx context.Context, id string, now time.Time) (created bool, err error) {
	res, err := t.exec(ctx, qEnsureMerchant, id, formatTime(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// InsertToken stores a token's hash with its merchant, role and name.
func (t *Tx) InsertToken(ctx context.Context, hash []byte, tok Token) error {
	_, err := t.exec(ctx, qInsertToken,
		hash, tok.MerchantID, string(tok.Role), tok.Name, formatTime(tok.CreatedAt))
	return err
}

// Token looks a token up by its hash.
func (t *Tx) Token(ctx context.Context, hash []byte) (Token, error) {
	var tok Token
	var role, created string
	err := t.queryRow(ctx, qToken, hash).
		Scan(&tok.MerchantID, &role, &tok.Name, &created)
	if err != nil {
		return Token{}, err
	}
	tok.Role = jwo.Role(role)
	tok.CreatedAt, err = parseTime(created)
	return tok, err
}

// LookupToken is Token outside an explicit transaction: it runs on every
// request, so it skips BEGIN and COMMIT.
func (db *DB) LookupToken(ctx context.Context, hash []byte) (Token, error) {
	var tok Token
	var role, created string
	if err := db.queryRowOutsideTx(ctx, qToken, hash).Scan(&tok.MerchantID, &role, &tok.Name, &created); err != nil {
		return Token{}, err
	}
	tok.Role = jwo.Role(role)
	var err error
	tok.CreatedAt, err = parseTime(created)
	return tok, err
}
