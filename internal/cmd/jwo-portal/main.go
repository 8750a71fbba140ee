// Command jwo-portal runs the reference Portal API v1 service and its
// helpers: the sample connector, token creation and seeding. main only wires
// the process to cli, so that tests can run every subcommand in-process.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// SIGTERM (service managers, make demo) and SIGINT (Ctrl-C) both start a
	// graceful shutdown of whatever is serving.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
