package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal/api"
)

// shutdownGrace is how long in-flight requests get to finish once a
// shutdown signal arrives; after it, connections are closed.
const shutdownGrace = 10 * time.Second

// listen binds addr and prints the real address, so that --addr with port 0
// can be found by whoever started the process.
func listen(addr string, stdout io.Writer) (net.Listener, error) {
	return listenTLS(addr, nil, stdout)
}

// listenTLS is listen with TLS when tlsCfg is not nil.
func listenTLS(addr string, tlsCfg *tls.Config, stdout io.Writer) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	scheme := "http"
	if tlsCfg != nil {
		scheme = "https"
		ln = tls.NewListener(ln, tlsCfg)
	}
	_, _ = fmt.Fprintf(stdout, "jwo-portal: listening on %s://%s\n", scheme, ln.Addr())
	return ln, nil
}

// serveUntilDone serves on ln until ctx ends, then shuts the server down
// gracefully. It returns an error only when serving itself failed.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, log *slog.Logger) error {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err // Serve returns only on failure before a shutdown
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", shutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		// Requests still running after the grace period are cut off: the
		// process is stopping either way, so this is not a failure.
		log.Warn("requests still running after the grace period were cut off", "error", err)
		_ = srv.Close()
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newLogger writes to stderr in the given format and from the given level.
func newLogger(stderr io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(stderr, opts))
	}
	return slog.New(slog.NewTextHandler(stderr, opts))
}

// serveMetrics serves the portal's metrics on an address of their own and
// says where on stdout, after the API's line; the returned func stops it.
func serveMetrics(addr string, a *api.API, stdout io.Writer, log *slog.Logger) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	_, _ = fmt.Fprintf(stdout, "jwo-portal: metrics on http://%s/metrics\n", ln.Addr())
	srv := api.NewServer(ln.Addr().String(), a.MetricsHandler())
	srv.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	go func() { _ = srv.Serve(ln) }()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}
