package portal

import (
	"context"
	"errors"
	"strings"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// Service is the one layer of rules between the portal's two front ends and
// its database: the JSON API's handlers and the web console both call it, so
// that a check (who may write, what a connector may hold, when a test may
// start) is written once. Its methods take the Caller and answer domain
// values, or an error that AsProblem describes.
type Service struct{ p *Portal }

// Service is the portal's service layer.
func (p *Portal) Service() *Service { return &Service{p: p} }

// Caller is who acts through the service: a token's merchant, role and name,
// and the front end the call came through (written into the audit actor).
// Only the portal makes one, from a token it has checked.
type Caller struct{ pr principal }

// Merchant is the merchant whose stores the caller sees.
func (c Caller) Merchant() string { return c.pr.merchant }

// Role is the role of the caller's token.
func (c Caller) Role() jwo.Role { return c.pr.role }

// Name is the name of the caller's token.
func (c Caller) Name() string { return c.pr.name }

// Via is the front end of the call: "" (the JSON API), ViaConsole or ViaTerraform.
func (c Caller) Via() string { return c.pr.via }

// Front ends that the audit actor names.
const (
	ViaConsole   = "console"
	ViaTerraform = "terraform"
)

// viaSuffix separates a token's name from the front end in an audit actor.
const viaSuffix = " via "

// actorVia splits an audit actor into the token name and the front end.
func actorVia(actor string) (name, via string) {
	if i := strings.LastIndex(actor, viaSuffix); i >= 0 {
		return actor[:i], actor[i+len(viaSuffix):]
	}
	return actor, ""
}

// ActorVia is the front end an audit event's actor names ("" for the plain API).
func ActorVia(actor string) string {
	_, via := actorVia(actor)
	return via
}

// providerUserAgent starts the User-Agent of terraform-provider-jwo.
const providerUserAgent = "terraform-provider-jwo/"

// viaOfUserAgent names the front end of an API request: the provider says
// who it is in its User-Agent.
func viaOfUserAgent(ua string) string {
	if strings.HasPrefix(ua, providerUserAgent) {
		return ViaTerraform
	}
	return ""
}

// Authenticate checks a pasted token with the same function as the API's
// Authorization header and answers the caller it stands for, acting through
// via.
func (s *Service) Authenticate(ctx context.Context, token, via string) (Caller, error) {
	pr, err := s.p.authenticateToken(ctx, strings.TrimSpace(token))
	if err != nil {
		return Caller{}, err
	}
	pr.via = via
	return Caller{pr: pr}, nil
}

// Preconditions are the conditional headers of a write: If-Match and
// If-None-Match, as HTTP spells them.
type Preconditions struct {
	IfMatch     string
	IfNoneMatch string
}

// Problem describes an error of the service as the API answers it.
type Problem struct {
	Status int              // HTTP status
	Kind   string           // last part of the problem type, e.g. "precondition-failed"
	Detail string           // the sentence the API puts in detail
	Fields []jwo.FieldError // for 422: what is wrong with which field
}

// AsProblem describes err; ok is false for a fault of the portal, whose
// text must not be shown.
func AsProblem(err error) (Problem, bool) {
	var ae *apiError
	if !errors.As(err, &ae) {
		return Problem{}, false
	}
	return Problem{Status: ae.status, Kind: ae.kind, Detail: ae.detail, Fields: ae.fields}, true
}
