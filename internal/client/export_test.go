package client

import (
	"time"

	"golang.org/x/oauth2"
)

// ExchangeTokenSourceAt is ExchangeTokenSource with its clock: a clock
// behind the real one brings the renewal near, for the tests of package
// client_test, which serve a real portal.
func ExchangeTokenSourceAt(cfg Config, subject SubjectToken, now func() time.Time) (oauth2.TokenSource, error) {
	return exchangeTokenSource(cfg, subject, now)
}
