package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/connector"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

const connectorUsage = `Usage: jwo-portal connector --addr 127.0.0.1:8788 [--latency DURATION] [--fail METHOD=STATUS]... [--violate CASE_ID]...

Serves a sample retailer connector: the four calls Amazon makes, answered
with valid responses at
  POST /v1/identity/identity-keys           (IDENTITY)
  POST /v1/identity/scan                    (LOYALTY)
  POST /v1/order/purchases                  (ORDERING, idempotent per trip)
  POST /v1/fraudandabuse/shopperauthorization (FRAUD_AND_ABUSE)
Save http://ADDR as a connector's endpoint URL on a portal started with --dev.
  POST /v1/identity/scan/details            (LOYALTY, scan details)
  POST /v1/identity/shopper                 (IDENTITY, GetShopper)
It passes every case of the CONFORMANCE suite. --violate CASE_ID breaks
exactly that case (e.g. --violate ordering.retry_is_idempotent answers a
retry with a new purchaseId); --fail ORDERING=503 makes that method answer
503; --latency delays every answer. It runs until SIGINT or SIGTERM.
`

type connectorConfig struct {
	addr    string
	latency durationValue
	fail    failValue
	violate caseList
}

func parseConnector(args []string, stdout io.Writer) (connectorConfig, error) {
	cfg := connectorConfig{fail: failValue{}}
	c := newCommand("connector", connectorUsage)
	c.fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8788", "`HOST:PORT` to listen on; port 0 picks a free port")
	c.fs.Var(&cfg.latency, "latency", "delay every answer by this `DURATION`, e.g. 500ms")
	c.fs.Var(cfg.fail, "fail", "make a method answer an HTTP status, as `METHOD=STATUS` (METHOD in any case,\nSTATUS 100-599); repeat for more methods")
	c.fs.Var(&cfg.violate, "violate", "break the conformance case `CASE_ID` (e.g. ordering.retry_is_idempotent);\nrepeat for more cases")
	args, err := c.parse(args, stdout)
	if err != nil {
		return cfg, err
	}
	if err := c.noArgs(args); err != nil {
		return cfg, err
	}
	return cfg, checkAddr(c.name, cfg.addr)
}

func runConnector(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseConnector(args, stdout)
	if err != nil {
		return err
	}
	log := newLogger(stderr, "text", slog.LevelInfo)
	conn := connector.New(connector.Options{
		Latency: time.Duration(cfg.latency),
		Fail:    map[jwo.Method]int(cfg.fail),
		Violate: cfg.violate,
		Logger:  log,
	})
	defer conn.Close()
	ln, err := listen(cfg.addr, stdout)
	if err != nil {
		return err
	}
	log.Info("serving the sample connector", "addr", ln.Addr().String(), "latency", time.Duration(cfg.latency), "fail", cfg.fail.String(), "violate", cfg.violate.String())
	srv := &http.Server{
		Handler:           conn,
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// No write timeout: --latency may be long on purpose.
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return serveUntilDone(ctx, srv, ln, log)
}
