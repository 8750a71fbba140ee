package main

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/api"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/console"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

const serveUsage = `Usage: jwo-portal serve --addr 127.0.0.1:8787 --db PATH|URL [--dev [--dev-allow-remote]] [--seed FILE]
         [--tls-cert FILE --tls-key FILE] [--metrics-addr HOST:PORT] [--egress-deny CIDR]...
         [--trusted-proxy CIDR]...

Serves the Portal API v1 until SIGINT or SIGTERM, then finishes in-flight
requests and closes the database. Without --dev it runs in production mode:
connector URLs must be https, and connectivity tests refuse loopback,
private, link-local and unspecified addresses. --dev allows http and
loopback, for demos and tests, and is refused on an address other than
loopback unless --dev-allow-remote says so. --tls-cert and --tls-key serve https (the
pair is reloaded when its files change or on SIGHUP); production mode
warns when it serves plain http on an address other than loopback.
--metrics-addr serves the Prometheus metrics on an address of their own
(they are never on the API's). --egress-deny adds a block the tester never
calls, in every mode. --trusted-proxy names a load balancer whose
X-Forwarded-For header names the client for the per-address limits (from
any other peer the header is ignored). Logs go to stderr; the listening address (and the
metrics address) is printed on stdout.
`

type serveConfig struct {
	addr        string
	db          string
	dev         bool
	devRemote   bool
	seed        string
	rateLimit   countValue
	testTimeout durationValue
	lease       durationValue
	logFormat   string
	logLevel    levelValue
	egressDeny  prefixList
	trusted     prefixList
	metricsAddr string
	tlsCert     string
	tlsKey      string
}

func parseServe(args []string, stdout io.Writer) (serveConfig, error) {
	cfg := serveConfig{rateLimit: 1000, logLevel: levelValue(slog.LevelInfo)}
	c := newCommand("serve", serveUsage)
	c.fs.StringVar(&cfg.addr, "addr", envOr("JWO_PORTAL_ADDR", "127.0.0.1:8787"), "`HOST:PORT` to listen on; port 0 picks a free port (env JWO_PORTAL_ADDR)")
	c.dbFlag(&cfg.db)
	c.fs.BoolVar(&cfg.dev, "dev", false, "development mode: allow http and loopback connector URLs")
	c.fs.BoolVar(&cfg.devRemote, "dev-allow-remote", false, "let --dev listen on an address other than loopback (its tester calls this machine's loopback services for anyone with an operator token)")
	c.fs.StringVar(&cfg.seed, "seed", "", "apply the seed `FILE` (YAML or JSON) before serving")
	c.fs.Var(&cfg.rateLimit, "rate-limit", "`N` requests per second per token (burst twice that); 0 turns it off")
	c.fs.Var(&cfg.testTimeout, "test-timeout", "`DURATION` a connectivity test call may take (default 10s)")
	c.fs.Var(&cfg.lease, "replica-lease", "`DURATION` a replica's claims on connectivity runs hold after its last renewal: one that dies leaves no run RUNNING for longer (default 15s)")
	c.fs.StringVar(&cfg.tlsCert, "tls-cert", "", "serve https with the certificate (chain) in PEM `FILE`; reloaded on SIGHUP or when the file changes")
	c.fs.StringVar(&cfg.tlsKey, "tls-key", "", "the private key of --tls-cert, PEM `FILE`")
	c.fs.StringVar(&cfg.metricsAddr, "metrics-addr", "", "`HOST:PORT` to serve the Prometheus metrics on, apart from the API (default: not served)")
	c.fs.Var(&cfg.egressDeny, "egress-deny", "`CIDR` the connectivity tester must never call, in every mode (repeatable)")
	c.fs.Var(&cfg.trusted, "trusted-proxy", "`CIDR` of proxies whose X-Forwarded-For names the client for the per-address limits (repeatable; default: none, the header is ignored)")
	c.fs.StringVar(&cfg.logFormat, "log-format", "text", "log `FORMAT`: text or json")
	c.fs.Var(&cfg.logLevel, "log-level", "log `LEVEL`: debug, info, warn or error")
	args, err := c.parse(args, stdout)
	if err != nil {
		return cfg, err
	}
	if err := c.noArgs(args); err != nil {
		return cfg, err
	}
	if err := c.requireDB(cfg.db); err != nil {
		return cfg, err
	}
	if err := checkAddr(c.name, cfg.addr); err != nil {
		return cfg, err
	}
	if err := checkDevAddr(c.name, cfg.addr, cfg.dev, cfg.devRemote); err != nil {
		return cfg, err
	}
	if (cfg.tlsCert == "") != (cfg.tlsKey == "") {
		return cfg, usagef(c.name, "--tls-cert and --tls-key go together: give both files, or neither for plain http")
	}
	if cfg.metricsAddr != "" {
		if err := checkAddr(c.name, cfg.metricsAddr); err != nil {
			return cfg, err
		}
	}
	if cfg.logFormat != "text" && cfg.logFormat != "json" {
		return cfg, usagef(c.name, "--log-format %q is not a format: use text or json", cfg.logFormat)
	}
	return cfg, nil
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseServe(args, stdout)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.logFormat, slog.Level(cfg.logLevel))
	if cfg.seed != "" {
		// Seed before opening, so that the seed never races the server for
		// the file and a bad seed stops the start before anything listens.
		f, err := readSeed(cfg.seed)
		if err != nil {
			return err
		}
		if err := portal.Administer(ctx, cfg.db, func(svc *portal.Service) error { return svc.ApplySeed(ctx, f) }); err != nil {
			return err
		}
		log.Info("seed applied", "file", cfg.seed, "merchants", len(f.Merchants))
	}
	// Listen first, so that the tester knows the portal's own addresses.
	var tlsCfg *tls.Config
	if cfg.tlsCert != "" {
		certs, err := newCertReloader(cfg.tlsCert, cfg.tlsKey, log)
		if err != nil {
			return err
		}
		defer certs.close()
		tlsCfg = certs.config()
	}
	if w := plaintextWarning(cfg.addr, cfg.dev, tlsCfg != nil); w != "" {
		log.Warn(w)
	}
	ln, err := listenTLS(cfg.addr, tlsCfg, stdout)
	if err != nil {
		return err
	}
	p, err := portal.Open(ctx, portal.Options{
		DBPath:       cfg.db,
		Dev:          cfg.dev,
		Logger:       log,
		TestTimeout:  time.Duration(cfg.testTimeout),
		ReplicaLease: time.Duration(cfg.lease),
		EgressDeny:   cfg.egressDeny,
		OwnAddrs:     ownAddrs(ln),
	})
	if err != nil {
		return errors.Join(err, ln.Close())
	}
	svc := p.Service()
	a, err := api.New(svc, api.Options{Logger: log, RateLimit: int(cfg.rateLimit), TrustedProxies: cfg.trusted,
		Console: console.New(svc, console.Options{Logger: log})})
	if err != nil {
		return errors.Join(err, ln.Close(), p.Close(context.Background()))
	}
	mode := "production"
	if cfg.dev {
		mode = "dev"
	}
	log.Info("serving the Portal API and the web console (/console/)", "addr", ln.Addr().String(), "db", store.Display(cfg.db), "mode", mode, "rate_limit", int(cfg.rateLimit))
	srv := api.NewServer(ln.Addr().String(), a.Handler())
	srv.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	srv.RegisterOnShutdown(p.Drain) // long polls must not hold up the shutdown
	if cfg.metricsAddr != "" {
		stopMetrics, err := serveMetrics(cfg.metricsAddr, a, stdout, log)
		if err != nil {
			return errors.Join(err, ln.Close(), p.Close(context.Background()))
		}
		defer stopMetrics()
	}
	serveErr := serveUntilDone(ctx, srv, ln, log)

	// Close waits for running connectivity tests, but not forever.
	cctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	closeErr := p.Close(cctx)
	if serveErr == nil && closeErr == nil {
		log.Info("stopped")
	}
	return errors.Join(serveErr, closeErr)
}

// checkDevAddr refuses --dev on an address that other machines reach: Dev
// mode lets every operator token make the tester POST to each loopback
// service of this host and read the start of its answer, which is fine for
// a demo on a laptop and not for a port on a network.
func checkDevAddr(cmd, addr string, dev, allowRemote bool) error {
	if !dev || allowRemote {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err == nil && host != "" && jwo.IsLoopbackHost(host) {
		return nil
	}
	return usagef(cmd, "--dev on --addr %q, which other machines can reach: Dev mode lets any operator token make the tester call this machine's loopback services; "+
		"listen on 127.0.0.1 or [::1], or add --dev-allow-remote if the network is yours alone", addr)
}
