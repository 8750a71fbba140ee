package portaltest

import (
	"context"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
)

// ApplySeed applies a seed to the database at db as `jwo-portal seed`
// does, and fails the test if it cannot.
func ApplySeed(t testing.TB, db string, f seed.File) {
	t.Helper()
	ctx := context.Background()
	if err := portal.Administer(ctx, db, func(svc *portal.Service) error { return svc.ApplySeed(ctx, f) }); err != nil {
		t.Fatalf("seed %s: %v", db, err)
	}
}

// IssueToken creates a token in the database at db as `jwo-portal token
// create` does.
func IssueToken(ctx context.Context, db string, spec portal.TokenSpec) (token string, info jwo.Token, err error) {
	err = portal.Administer(ctx, db, func(svc *portal.Service) error {
		token, info, err = svc.IssueToken(ctx, spec)
		return err
	})
	return token, info, err
}

// CreateToken is a token that never expires, or the test fails.
func CreateToken(t testing.TB, db, merchant string, role jwo.Role, name string) string {
	t.Helper()
	token, _, err := IssueToken(context.Background(), db, portal.TokenSpec{Merchant: merchant, Role: role, Name: name})
	if err != nil {
		t.Fatalf("create %s token of %s: %v", role, merchant, err)
	}
	return token
}

// ListTokens lists the tokens of merchant as `jwo-portal token list` does.
func ListTokens(ctx context.Context, db, merchant string) ([]portal.TokenListing, error) {
	return portal.Administered(ctx, db, func(svc *portal.Service) ([]portal.TokenListing, error) {
		return svc.AllTokens(ctx, merchant)
	})
}

// RevokeToken revokes a token as `jwo-portal token revoke` does.
func RevokeToken(ctx context.Context, db, id string) error {
	return portal.Administer(ctx, db, func(svc *portal.Service) error {
		_, err := svc.RevokeAnyToken(ctx, id)
		return err
	})
}
