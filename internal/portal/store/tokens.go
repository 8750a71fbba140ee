package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

const tokenColumns = `id, merchant_id, role, name, created_at, expires_at, revoked_at, last_used_at, trust_policy_id`

var (
	qEnsureMerchant = sqlQuery(`INSERT INTO merchants (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`)
	qInsertToken    = sqlQuery(`INSERT INTO tokens (hash, id, merchant_id, role, name, created_at, expires_at, trust_policy_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	qToken          = lockedRead("FOR SHARE", `SELECT `+tokenColumns+` FROM tokens WHERE hash = ?`)
	qTokenByID      = sqlQuery(`SELECT ` + tokenColumns + ` FROM tokens WHERE id = ?`)
	qTokens         = sqlQuery(`SELECT ` + tokenColumns + ` FROM tokens WHERE (? = '' OR merchant_id = ?) ORDER BY merchant_id, created_at, id`)
	qRevokeToken    = sqlQuery(`UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`)
	// Last use only moves forward: two portals flushing their figures in
	// either order keep the later one.
	qTokenUsed = sqlQuery(`UPDATE tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`)
)

// Token is what the store knows of an API token: never the token itself.
type Token struct {
	ID         string // public name of the token: "tok_" and 18 hex digits of its hash
	MerchantID string
	Role       jwo.Role
	Name       string
	CreatedAt  time.Time
	ExpiresAt  *time.Time // nil: never expires
	RevokedAt  *time.Time // nil: not revoked
	LastUsedAt *time.Time // nil: never used (as far as the last flush knows)
	// TrustPolicyID is the policy a token was exchanged under ("" for a
	// token someone created): deleting the policy revokes it.
	TrustPolicyID string
}

// tokenID is the public id of the token whose SHA-256 is hash. 72 bits of
// the hash name a token uniquely in practice and give nothing away: the
// hash of a random 256-bit token does not lead back to it.
func tokenID(hash []byte) string {
	return "tok_" + hex.EncodeToString(hash[:min(9, len(hash))])
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

// InsertToken stores a token's hash with its merchant, role, name and
// expiry; an empty ID is tokenID(hash). It returns the token as stored.
func (t *Tx) InsertToken(ctx context.Context, hash []byte, tok Token) (Token, error) {
	if tok.ID == "" {
		tok.ID = tokenID(hash)
	}
	_, err := t.exec(ctx, qInsertToken,
		hash, tok.ID, tok.MerchantID, string(tok.Role), tok.Name, formatTime(tok.CreatedAt), nullTime(tok.ExpiresAt),
		nullString(tok.TrustPolicyID))
	return tok, err
}

// TokenByID looks a token up by its public id, in any merchant.
func (t *Tx) TokenByID(ctx context.Context, id string) (Token, error) {
	return scanToken(t.queryRow(ctx, qTokenByID, id))
}

// Tokens lists the tokens of one merchant ("" for all), oldest first.
func (t *Tx) Tokens(ctx context.Context, merchant string) ([]Token, error) {
	rows, err := t.query(ctx, qTokens, merchant, merchant)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []Token
	for rows.Next() {
		tok, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, tok)
	}
	return out, rows.Err()
}

// RevokeToken marks the token revoked at now; revoked reports whether this
// call did it (false: it was revoked already). ErrNotFound when no token has
// the id.
func (t *Tx) RevokeToken(ctx context.Context, id string, now time.Time) (revoked bool, err error) {
	res, err := t.exec(ctx, qRevokeToken, formatTime(now), id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 1 {
		return n == 1, err
	}
	if _, err := t.TokenByID(ctx, id); err != nil {
		return false, err
	}
	return false, nil
}

// RecordTokenUse moves the token's last use forward to at.
func (t *Tx) RecordTokenUse(ctx context.Context, id string, at time.Time) error {
	s := formatTime(at)
	_, err := t.exec(ctx, qTokenUsed, s, id, s)
	return err
}

// LookupToken finds a token by its hash outside an explicit transaction: it
// runs on every request, so it skips BEGIN and COMMIT. It returns revoked
// and expired tokens too: the caller says which it is.
func (db *DB) LookupToken(ctx context.Context, hash []byte) (Token, error) {
	return scanToken(db.queryRowOutsideTx(ctx, qToken, hash))
}

func scanToken(r scanner) (Token, error) {
	var tok Token
	var role, created string
	var expires, revoked, used, policy sql.NullString
	if err := r.Scan(&tok.ID, &tok.MerchantID, &role, &tok.Name, &created, &expires, &revoked, &used, &policy); err != nil {
		return Token{}, err
	}
	tok.TrustPolicyID = policy.String
	tok.Role = jwo.Role(role)
	var err error
	if tok.CreatedAt, err = parseTime(created); err != nil {
		return Token{}, err
	}
	if tok.ExpiresAt, err = parseNullTime(expires); err != nil {
		return Token{}, err
	}
	if tok.RevokedAt, err = parseNullTime(revoked); err != nil {
		return Token{}, err
	}
	if tok.LastUsedAt, err = parseNullTime(used); err != nil {
		return Token{}, err
	}
	return tok, nil
}
