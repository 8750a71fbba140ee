package portal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// Actors of the trust policy events that the jwo-portal command writes: it
// acts on the database as the operator of the portal, with no token.
const (
	cliTrustCreateActor = "jwo-portal trust create"
	cliTrustDeleteActor = "jwo-portal trust delete"
)

// TrustPolicyListing is one line of `jwo-portal trust list`: a policy and
// the merchant it belongs to.
type TrustPolicyListing struct {
	Merchant string
	jwo.TrustPolicy
}

// TrustPolicies lists the caller's merchant's trust policies, oldest
// first; admin only.
func (s *Service) TrustPolicies(ctx context.Context, c Caller) ([]jwo.TrustPolicy, error) {
	if err := requireAdmin(c, "list trust policies"); err != nil {
		return nil, err
	}
	all, err := s.trustPolicies(ctx, c.pr.merchant)
	out := make([]jwo.TrustPolicy, len(all))
	for i, p := range all {
		out[i] = p.TrustPolicy
	}
	return out, err
}

// CreateTrustPolicy adds a trust policy to the caller's merchant; admin
// only, since it grants roles up to admin to whoever the issuer vouches for.
func (s *Service) CreateTrustPolicy(ctx context.Context, c Caller, spec jwo.TrustPolicySpec) (jwo.TrustPolicy, error) {
	if err := requireAdmin(c, "create trust policies"); err != nil {
		return jwo.TrustPolicy{}, err
	}
	return s.createTrustPolicy(ctx, c.pr.merchant, c.pr.actor(), spec)
}

// DeleteTrustPolicy deletes one of the caller's merchant's trust policies
// and revokes the tokens exchanged under it; admin only. A policy of
// another merchant is 404.
func (s *Service) DeleteTrustPolicy(ctx context.Context, c Caller, id string) error {
	if err := requireAdmin(c, "delete trust policies"); err != nil {
		return err
	}
	_, err := s.deleteTrustPolicy(ctx, c.pr.merchant, id, c.pr.actor())
	if errors.Is(err, store.ErrNotFound) {
		return notFound("the merchant has no trust policy %q: GET /v1/trust-policies lists them", id)
	}
	return err
}

// AddTrustPolicy adds a trust policy to a merchant (created if needed), for
// `jwo-portal trust create`. Field errors come back as one KindInvalid error.
func (s *Service) AddTrustPolicy(ctx context.Context, merchant string, spec jwo.TrustPolicySpec) (jwo.TrustPolicy, error) {
	if err := jwo.ValidateMerchantID(merchant); err != nil {
		return jwo.TrustPolicy{}, err
	}
	return s.createTrustPolicy(ctx, merchant, cliTrustCreateActor, spec)
}

// AllTrustPolicies lists the policies of one merchant ("" for every
// merchant), for `jwo-portal trust list`.
func (s *Service) AllTrustPolicies(ctx context.Context, merchant string) ([]TrustPolicyListing, error) {
	if merchant != "" {
		if err := jwo.ValidateMerchantID(merchant); err != nil {
			return nil, err
		}
	}
	all, err := s.trustPolicies(ctx, merchant)
	out := make([]TrustPolicyListing, len(all))
	for i, p := range all {
		out[i] = TrustPolicyListing{Merchant: p.MerchantID, TrustPolicy: p.TrustPolicy}
	}
	return out, err
}

// DeleteAnyTrustPolicy deletes a policy by its id, in whichever merchant,
// for `jwo-portal trust delete`.
func (s *Service) DeleteAnyTrustPolicy(ctx context.Context, id string) (TrustPolicyListing, error) {
	p, err := s.deleteTrustPolicy(ctx, "", id, cliTrustDeleteActor)
	if errors.Is(err, store.ErrNotFound) {
		return TrustPolicyListing{}, fmt.Errorf("no trust policy has the id %q: `jwo-portal trust list` shows the ids", id)
	}
	return TrustPolicyListing{Merchant: p.MerchantID, TrustPolicy: p.TrustPolicy}, err
}

func (s *Service) trustPolicies(ctx context.Context, merchant string) ([]store.TrustPolicy, error) {
	var out []store.TrustPolicy
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.TrustPolicies(ctx, merchant)
		return err
	})
	return out, err
}

func (s *Service) createTrustPolicy(ctx context.Context, merchant, actor string, spec jwo.TrustPolicySpec) (jwo.TrustPolicy, error) {
	spec, fields := jwo.ValidateTrustPolicy(spec, s.policy)
	if len(fields) > 0 {
		return jwo.TrustPolicy{}, invalid(fields)
	}
	var raw [9]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return jwo.TrustPolicy{}, err
	}
	now := s.now()
	p := store.TrustPolicy{MerchantID: merchant, TrustPolicy: jwo.TrustPolicy{
		ID: "tp_" + hex.EncodeToString(raw[:]), Name: spec.Name, Issuer: spec.Issuer, Audience: spec.Audience,
		Subject: spec.Subject, Claims: maps.Clone(spec.Claims), Role: spec.Role, MaxTTL: spec.MaxTTL, CreatedAt: now,
	}}
	if p.Claims == nil {
		p.Claims = map[string]string{}
	}
	taken := invalidField("name", "the merchant has a trust policy named %q already: choose another name or delete that one", spec.Name)
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.EnsureMerchant(ctx, merchant, now); err != nil {
			return err
		}
		if _, err := tx.TrustPolicyByName(ctx, merchant, spec.Name); err == nil {
			return taken
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := tx.InsertTrustPolicy(ctx, p); err != nil {
			return err
		}
		return recordChange(ctx, tx, change{merchant: merchant, actor: actor, action: jwo.ActionTrustPolicyCreate,
			after: p.TrustPolicy, at: now})
	})
	if errors.Is(err, store.ErrConflict) {
		// Another writer took the name between the read and the insert.
		return jwo.TrustPolicy{}, taken
	}
	return p.TrustPolicy, err
}

// deleteTrustPolicy deletes policy id of merchant (any merchant for "")
// and revokes its tokens, in one audited transaction.
func (s *Service) deleteTrustPolicy(ctx context.Context, merchant, id, actor string) (store.TrustPolicy, error) {
	var p store.TrustPolicy
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		if p, err = tx.TrustPolicy(ctx, id); err != nil {
			return err
		}
		if merchant != "" && p.MerchantID != merchant {
			return store.ErrNotFound
		}
		now := s.now()
		if err := tx.DeleteTrustPolicy(ctx, id, now); err != nil {
			return err
		}
		return recordChange(ctx, tx, change{merchant: p.MerchantID, actor: actor, action: jwo.ActionTrustPolicyDelete,
			before: p.TrustPolicy, at: now})
	})
	return p, err
}
