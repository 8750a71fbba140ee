package portal

import (
	"context"
	"log/slog"
	"strings"
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
	// finishes wakes WaitTest when a run finishes on any replica; draining
	// is closed when the portal shuts down, so that waits end at once.
	finishes *runWatch
	draining <-chan struct{}
	// parked, when set (tests only), is called as a WaitTest starts waiting.
	parked func()
	counts *runCounters
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

// viaSuffix separates a token's name from the front end in an audit actor.
const viaSuffix = " via "

// ActorVia is the front end an audit event's actor names ("" for the plain API).
func ActorVia(actor string) string {
	if i := strings.LastIndex(actor, viaSuffix); i >= 0 {
		return actor[i+len(viaSuffix):]
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
