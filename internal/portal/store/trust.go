package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

const trustColumns = `id, merchant_id, name, issuer, audience, subject, claims, role, max_ttl, created_at`

var (
	qInsertTrustPolicy = sqlQuery(`INSERT INTO trust_policies (` + trustColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	qTrustPolicy       = lockedRead("FOR UPDATE", `SELECT `+trustColumns+` FROM trust_policies WHERE id = ?`)
	qTrustPolicyByName = sqlQuery(`SELECT ` + trustColumns + ` FROM trust_policies WHERE merchant_id = ? AND name = ?`)
	qTrustPolicies     = sqlQuery(`SELECT ` + trustColumns + ` FROM trust_policies WHERE (? = '' OR merchant_id = ?) ORDER BY merchant_id, created_at, id`)
	qTrustPoliciesFor  = sqlQuery(`SELECT ` + trustColumns + ` FROM trust_policies WHERE issuer = ? AND audience = ? ORDER BY merchant_id, created_at, id`)
	qDeleteTrustPolicy = sqlQuery(`DELETE FROM trust_policies WHERE id = ?`)
	qRevokePolicyToks  = sqlQuery(`UPDATE tokens SET revoked_at = ? WHERE trust_policy_id = ? AND revoked_at IS NULL`)
	qPolicyIssuers     = sqlQuery(`SELECT DISTINCT issuer FROM trust_policies ORDER BY issuer`)
	qPruneExchanged    = sqlQuery(`DELETE FROM tokens WHERE trust_policy_id IS NOT NULL AND expires_at < ?`)
)

// TrustPolicy is a stored trust policy and the merchant it belongs to.
type TrustPolicy struct {
	MerchantID string
	jwo.TrustPolicy
}

// InsertTrustPolicy stores a new policy; ErrConflict when the merchant has
// one of that name.
func (t *Tx) InsertTrustPolicy(ctx context.Context, p TrustPolicy) error {
	claims, err := json.Marshal(p.Claims)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, qInsertTrustPolicy, p.ID, p.MerchantID, p.Name, p.Issuer, p.Audience, p.Subject,
		string(claims), string(p.Role), p.MaxTTL, formatTime(p.CreatedAt))
	return err
}

// TrustPolicy reads one policy by id, in any merchant.
func (t *Tx) TrustPolicy(ctx context.Context, id string) (TrustPolicy, error) {
	return scanTrustPolicy(t.queryRow(ctx, qTrustPolicy, id))
}

// TrustPolicyByName reads the merchant's policy of that name.
func (t *Tx) TrustPolicyByName(ctx context.Context, merchant, name string) (TrustPolicy, error) {
	return scanTrustPolicy(t.queryRow(ctx, qTrustPolicyByName, merchant, name))
}

// TrustPolicies lists the policies of one merchant ("" for all), oldest first.
func (t *Tx) TrustPolicies(ctx context.Context, merchant string) ([]TrustPolicy, error) {
	return t.trustPolicies(ctx, qTrustPolicies, merchant, merchant)
}

// TrustPoliciesFor lists the policies of every merchant for one issuer and
// audience: the ones a token exchange tries.
func (t *Tx) TrustPoliciesFor(ctx context.Context, issuer, audience string) ([]TrustPolicy, error) {
	return t.trustPolicies(ctx, qTrustPoliciesFor, issuer, audience)
}

// TrustIssuers lists the issuers some policy names, for the exchange to
// find the issuer a token claims without trusting it yet.
func (t *Tx) TrustIssuers(ctx context.Context) ([]string, error) {
	rows, err := t.query(ctx, qPolicyIssuers)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// DeleteTrustPolicy deletes a policy and revokes, at now, the tokens
// exchanged under it; ErrNotFound when no policy has the id.
func (t *Tx) DeleteTrustPolicy(ctx context.Context, id string, now time.Time) error {
	res, err := t.exec(ctx, qDeleteTrustPolicy, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrNotFound
	}
	_, err = t.exec(ctx, qRevokePolicyToks, formatTime(now), id)
	return err
}

// PruneExchangedTokens deletes the tokens exchanged under a trust policy
// (of a policy still there or deleted) that expired before before, and says
// how many. Each CI job leaves one; a token someone created is never
// pruned, expired or not.
func (t *Tx) PruneExchangedTokens(ctx context.Context, before time.Time) (int64, error) {
	res, err := t.exec(ctx, qPruneExchanged, formatTime(before))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (t *Tx) trustPolicies(ctx context.Context, q string, args ...any) ([]TrustPolicy, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []TrustPolicy
	for rows.Next() {
		p, err := scanTrustPolicy(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func scanTrustPolicy(r scanner) (TrustPolicy, error) {
	var p TrustPolicy
	var claims, role, created string
	if err := r.Scan(&p.ID, &p.MerchantID, &p.Name, &p.Issuer, &p.Audience, &p.Subject, &claims, &role, &p.MaxTTL, &created); err != nil {
		return TrustPolicy{}, err
	}
	p.Role = jwo.Role(role)
	if err := json.Unmarshal([]byte(claims), &p.Claims); err != nil {
		return TrustPolicy{}, err
	}
	if p.Claims == nil {
		p.Claims = map[string]string{}
	}
	var err error
	p.CreatedAt, err = parseTime(created)
	return p, err
}
