package console_test

import (
	"testing"

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
