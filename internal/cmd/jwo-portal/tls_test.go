package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeCert makes a self-signed certificate for 127.0.0.1 with the given
// serial number, writes it and its key as PEM, and returns it.
func writeCert(t *testing.T, certFile, keyFile string, serial int64) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "jwo-portal test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

var httpsListening = regexp.MustCompile(`jwo-portal: listening on (https://127\.0\.0\.1:\d+)\n`)

// serial is the serial number of the certificate a new TLS connection to
// url meets; the client trusts any of certs.
func serial(t *testing.T, url string, certs ...*x509.Certificate) int64 {
	t.Helper()
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, DisableKeepAlives: true}}
	resp, err := c.Get(url + "/healthz")
	if err != nil {
		t.Fatalf("GET %s/healthz over TLS: %v", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz over TLS: %d", resp.StatusCode)
	}
	// Over TLS browsers are told to keep to https.
	if got := resp.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
		t.Errorf("GET /healthz over TLS: Strict-Transport-Security %q, want max-age", got)
	}
	return resp.TLS.PeerCertificates[0].SerialNumber.Int64()
}

// serve --tls-cert/--tls-key answers https with the certificate made here,
// takes a renewed certificate when its files change without a restart,
// and reloads on SIGHUP.
func TestServeTLSAndReload(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	first := writeCert(t, certFile, keyFile, 1)
	s := startServingTLS(t, "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "portal.db"), "--tls-cert", certFile, "--tls-key", keyFile)
	if got := serial(t, s.URL, first); got != 1 {
		t.Fatalf("first handshake: serial %d, want 1", got)
	}

	time.Sleep(1100 * time.Millisecond) // past the once-a-second check
	second := writeCert(t, certFile, keyFile, 2)
	later := time.Now().Add(2 * time.Second)
	for _, f := range []string{certFile, keyFile} {
		if err := os.Chtimes(f, later, later); err != nil {
			t.Fatal(err)
		}
	}
	if got := serial(t, s.URL, first, second); got != 2 {
		t.Errorf("after the files changed: serial %d, want 2", got)
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(s.stderr.String(), "SIGHUP: TLS certificate reloaded"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no reload logged after SIGHUP:\n%s", s.stderr.String())
		}
	}
	// Plain http to a TLS port gets no API answer.
	if resp, err := http.Get("http://" + strings.TrimPrefix(s.URL, "https://") + "/healthz"); err == nil {
		_ = resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("plain http was answered 200 on the TLS port")
		}
	}
}

// startServingTLS is startServing for a serve that prints an https URL.
func startServingTLS(t *testing.T, args ...string) *server {
	t.Helper()
	return startServingMatching(t, httpsListening, runServe, args...)
}

func TestPlaintextWarning(t *testing.T) {
	t.Parallel()
	cases := []struct {
		addr     string
		dev, tls bool
		wantWarn bool
	}{
		{"0.0.0.0:8787", false, false, true},
		{"[::]:8787", false, false, true},
		{"10.1.2.3:8787", false, false, true},
		{":8787", false, false, true},
		{"0.0.0.0:8787", false, true, false},
		{"0.0.0.0:8787", true, false, false},
		{"127.0.0.1:8787", false, false, false},
		{"[::1]:8787", false, false, false},
		{"localhost:8787", false, false, false},
	}
	for _, c := range cases {
		if got := plaintextWarning(c.addr, c.dev, c.tls); (got != "") != c.wantWarn {
			t.Errorf("plaintextWarning(%q, dev=%v, tls=%v) = %q; want a warning: %v", c.addr, c.dev, c.tls, got, c.wantWarn)
		}
	}
}
