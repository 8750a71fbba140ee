package portal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

// Service is the one way into the portal's rules: the JSON API, the web
// console and the jwo-portal command all call it, so that a check (who may
// write, what a connector may hold, when a run may start) is written once.
// Its methods take the Caller and answer domain values, or an error that
// AsError describes; none of them knows HTTP.
type Service struct {
	db     *store.DB
	now    func() time.Time
	log    *slog.Logger
	policy jwo.EndpointPolicy
	runs   runLimits
	// queued tells this replica's workers that a run was committed to the
	// queue; nil where no worker runs (the jwo-portal command).
	queued func()
	// tokenUse remembers the last use of tokens until it is written; nil
	// where no request is served.
	tokenUse *tokenUse
	// issuers caches OpenID Connect issuers' keys for token exchanges; nil
	// where no request is served.
	issuers *issuers
	// finishes wakes WaitTest when a run finishes on any replica; draining
	// is closed when the portal shuts down, so that waits end at once.
	finishes *runWatch
	draining <-chan struct{}
	// parked, when set (tests only), is called as a WaitTest starts waiting.
	parked func()
	counts *runCounters
	// pageKey signs page tokens (PageTokenKey).
	pageKey pageKey
}

// runLimits bound the connectivity runs of one merchant.
type runLimits struct {
	maxPerMerchant int
	// retryAfter is what a caller at the bound is told to wait: about the
	// time one run takes at most.
	retryAfter time.Duration
}

// Caller is who acts through the service: a token's merchant, role and name,
// and the front end the call came through (written into the audit actor).
// Only the service makes one, from a token it has checked.
type Caller struct{ pr principal }

// Merchant is the merchant whose stores the caller sees.
func (c Caller) Merchant() string { return c.pr.merchant }

// Role is the role of the caller's token.
func (c Caller) Role() jwo.Role { return c.pr.role }

// Name is the name of the caller's token.
func (c Caller) Name() string { return c.pr.name }

// TokenID is the public id of the caller's token: what a rate limit counts
// by, never the secret.
func (c Caller) TokenID() string { return c.pr.tokenID }

// Front ends that the audit actor names.
const (
	ViaConsole   = "console"
	ViaTerraform = "terraform"
)

// ActorVia is the front end an audit event's actor names: ViaConsole,
// ViaTerraform, or "" for the plain API (and for anything else).
func ActorVia(actor string) string {
	for _, via := range []string{ViaConsole, ViaTerraform} {
		if strings.HasSuffix(actor, jwo.ActorSeparator+via) {
			return via
		}
	}
	return ""
}

// Ping answers whether the database answers.
func (s *Service) Ping(ctx context.Context) error { return s.db.Ping(ctx) }

// RunCounts are this replica's counts of runs, for its metrics.
func (s *Service) RunCounts() RunCounts { return s.counts.read() }

// pageOf cuts a read of up to size+1 rows to a page of size and names the
// position the next page starts after (the zero value on the last page).
func pageOf[T any, C comparable](rows []T, size int, position func(T) C) (page []T, next C) {
	if len(rows) > size {
		rows = rows[:size]
		next = position(rows[size-1])
	}
	if rows == nil {
		rows = []T{}
	}
	return rows, next
}

// pageSize keeps a page size within [1, maxPageSize].
func pageSize(size int) int { return max(1, min(size, MaxPageSize)) }

// MaxPageSize bounds every page of a list.
const MaxPageSize = 1000

// Kind is what went wrong with a call of the service, in the service's
// terms; each front end says it in its own (api: an HTTP status and a
// problem type; console: a page).
type Kind int

// The kinds of Error.
const (
	// KindBadRequest: the call itself is malformed (an id no object can
	// have, a cursor the service never gave out, a list over its limit).
	KindBadRequest Kind = iota + 1
	// KindInvalid: fields of the input break a rule; Error.Fields names them.
	KindInvalid
	KindNotFound
	// KindNoCredentials: the call carries no token at all.
	KindNoCredentials
	// KindBadCredentials: the token is unknown, revoked or expired.
	KindBadCredentials
	// KindForbidden: the caller's role may not do this.
	KindForbidden
	// KindConflict: the call contradicts what is saved; Error.Code says how.
	KindConflict
	// KindPreconditionFailed: a version the caller based the call on is not
	// the saved one.
	KindPreconditionFailed
	// KindBusy: the caller is at a bound; Error.RetryAfter says when to retry.
	KindBusy
	// KindUnavailable: the database cannot be reached; nothing was written.
	KindUnavailable
)

// Error is an error of the service that a caller can act on: its text is
// meant for the caller. Any other error is a fault of the portal.
type Error struct {
	Kind Kind
	// Code names the problem more precisely than Kind where a client may
	// tell cases apart ("method-not-applicable", "too-many-runs"); "" when
	// Kind says it all.
	Code   string
	Detail string
	Fields []jwo.FieldError // KindInvalid: what is wrong with which field
	// RetryAfter is when the same call may succeed; 0 when no wait helps.
	RetryAfter time.Duration
}

func (e *Error) Error() string { return e.Detail }

// AsError is the Error that err is or wraps. A database that cannot be
// reached is one too (KindUnavailable); ok is false for a fault of the
// portal, whose text must not be shown.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	if errors.Is(err, store.ErrUnavailable) {
		return &Error{Kind: KindUnavailable, Detail: "the portal's database is unavailable: retry in a few seconds",
			RetryAfter: unavailableRetryAfter}, true
	}
	return nil, false
}

// IsKind says whether err is an Error of kind k.
func IsKind(err error, k Kind) bool {
	e, ok := AsError(err)
	return ok && e.Kind == k
}

// unavailableRetryAfter is about the time a PostgreSQL restart or fail-over
// takes.
const unavailableRetryAfter = 2 * time.Second

func newError(k Kind, format string, a ...any) *Error {
	return &Error{Kind: k, Detail: fmt.Sprintf(format, a...)}
}

func badRequest(format string, a ...any) *Error { return newError(KindBadRequest, format, a...) }

func notFound(format string, a ...any) *Error { return newError(KindNotFound, format, a...) }

func forbidden(format string, a ...any) *Error { return newError(KindForbidden, format, a...) }

func conflict(code, format string, a ...any) *Error {
	e := newError(KindConflict, format, a...)
	e.Code = code
	return e
}

func preconditionFailed(format string, a ...any) *Error {
	return newError(KindPreconditionFailed, format, a...)
}

// invalid names every wrong field; its detail is the first of them.
func invalid(fields []jwo.FieldError) *Error {
	detail := "the request has invalid fields"
	if len(fields) == 1 {
		detail = fields[0].Error()
	} else if len(fields) > 1 {
		detail = fmt.Sprintf("%s (and %d more)", fields[0].Error(), len(fields)-1)
	}
	return &Error{Kind: KindInvalid, Detail: detail, Fields: fields}
}

func invalidField(field, format string, a ...any) *Error {
	return invalid([]jwo.FieldError{{Field: field, Message: fmt.Sprintf(format, a...)}})
}

// pageKey caches the page-token key: it never changes once made.
type pageKey struct {
	mu  sync.Mutex
	key []byte
}

// pageTokenKeyBytes is the length of the page-token key: HMAC-SHA256's
// block of strength.
const pageTokenKeyBytes = 32

// PageTokenKey is the key a front end signs its page tokens with, the same
// for every replica on the database (it is kept in the database, made by
// the first replica that asks), so that a page token from one replica is
// accepted by another and a token no replica made is refused.
func (s *Service) PageTokenKey(ctx context.Context) ([]byte, error) {
	s.pageKey.mu.Lock()
	defer s.pageKey.mu.Unlock()
	if s.pageKey.key != nil {
		return s.pageKey.key, nil
	}
	var candidate [pageTokenKeyBytes]byte
	_, _ = rand.Read(candidate[:]) // crypto/rand never fails on supported platforms
	var stored string
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		stored, err = tx.PageTokenKey(ctx, hex.EncodeToString(candidate[:]))
		return err
	})
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(stored)
	if err != nil || len(key) < pageTokenKeyBytes {
		return nil, fmt.Errorf("portal: the page-token key in the database is damaged (%d hex characters): delete the row of page_token_key to make a new one", len(stored))
	}
	s.pageKey.key = key
	return key, nil
}
