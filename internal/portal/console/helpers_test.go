package console_test

import (
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/console"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// startConsole is a test portal serving the console with copts.
func startConsole(t *testing.T, copts console.Options, opts ...portaltest.Option) *portaltest.Portal {
	t.Helper()
	return portaltest.Start(t, append(opts, portaltest.WithConsole(copts))...)
}

func newAgent(t *testing.T, tp *portaltest.Portal) *portaltest.ConsoleAgent {
	return tp.ConsoleAgent(t)
}

// consoleWithOrdering is a console portal whose StoreJWO has an ORDERING
// connector at publicURL, version 1, saved by the plain API.
func consoleWithOrdering(t *testing.T) *portaltest.Portal {
	t.Helper()
	tp := startConsole(t, console.Options{})
	putConnector(t, tp.Operator, portaltest.StoreJWO, jwo.MethodOrdering, publicURL)
	return tp
}
