package main

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// certReloader serves the certificate of --tls-cert and --tls-key, read
// again when either file changes (checked at most once a second, at a
// handshake) or on SIGHUP, so a renewed certificate needs no restart. A
// pair that fails to load keeps the previous one in service, and is logged.
type certReloader struct {
	certFile, keyFile string
	log               *slog.Logger

	mu      sync.Mutex
	cert    *tls.Certificate
	stamp   string // modification times and sizes of the two files when loaded
	checked time.Time
	stopHUP func()
}

func newCertReloader(certFile, keyFile string, log *slog.Logger) (*certReloader, error) {
	r := &certReloader{certFile: certFile, keyFile: keyFile, log: log}
	if err := r.load(); err != nil {
		return nil, err
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-hup:
				r.mu.Lock()
				if err := r.load(); err != nil {
					r.log.Error("SIGHUP: reloading the TLS certificate failed; the previous one stays in service", "error", err.Error())
				} else {
					r.log.Info("SIGHUP: TLS certificate reloaded", "cert", certFile)
				}
				r.mu.Unlock()
			case <-done:
				return
			}
		}
	}()
	r.stopHUP = func() { signal.Stop(hup); close(done) }
	return r, nil
}

// stampOf says whether the files changed: their times and sizes.
func (r *certReloader) stampOf() string {
	var s string
	for _, f := range []string{r.certFile, r.keyFile} {
		if st, err := os.Stat(f); err == nil {
			s += fmt.Sprintf("%d/%d;", st.ModTime().UnixNano(), st.Size())
		}
	}
	return s
}

// load reads the pair; the caller holds mu, except in the constructor.
func (r *certReloader) load() error {
	stamp := r.stampOf()
	cert, err := tls.LoadX509KeyPair(r.certFile, r.keyFile)
	if err != nil {
		return fmt.Errorf("--tls-cert %s / --tls-key %s: %w", r.certFile, r.keyFile, err)
	}
	r.cert, r.stamp = &cert, stamp
	return nil
}

func (r *certReloader) getCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if now := time.Now(); now.Sub(r.checked) >= time.Second {
		r.checked = now
		if r.stampOf() != r.stamp {
			if err := r.load(); err != nil {
				r.log.Error("the TLS certificate files changed but do not load; the previous certificate stays in service", "error", err.Error())
				r.stamp = r.stampOf() // logged once per change
			} else {
				r.log.Info("TLS certificate reloaded after its files changed", "cert", r.certFile)
			}
		}
	}
	return r.cert, nil
}

func (r *certReloader) close() { r.stopHUP() }

func (r *certReloader) config() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: r.getCertificate}
}

// plaintextWarning is the warning of a production portal that serves plain
// http on an address other machines reach: every token would cross the
// network in clear text. "" when there is nothing to warn of.
func plaintextWarning(addr string, dev, tlsOn bool) string {
	if dev || tlsOn {
		return ""
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil || jwo.IsLoopbackHost(host) {
		return ""
	}
	return fmt.Sprintf("serving plain http on %s, which other machines can reach, in production mode: every bearer token crosses the network in clear text; "+
		"serve with --tls-cert and --tls-key, or put a TLS-terminating proxy in front on this machine", addr)
}
