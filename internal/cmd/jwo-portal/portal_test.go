package main

// These tests run the subcommands that open the portal's database: serve,
// token create and seed, end to end on loopback.

import (
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store"
)

var tokenLine = regexp.MustCompile(`^\S{20,}\n$`)

// createToken runs "token create" and returns the token it printed.
func createToken(t *testing.T, db, merchant, role string) string {
	t.Helper()
	code, stdout, stderr := runCLI(t, "token", "create", "--db", db, "--merchant", merchant, "--role", role, "--name", "test-"+role)
	if code != exitOK {
		t.Fatalf("token create: exit %d: %s", code, stderr)
	}
	if !tokenLine.MatchString(stdout) {
		t.Fatalf("token create printed %q, want the token alone and a newline", stdout)
	}
	return strings.TrimSpace(stdout)
}

func storeIDs(t *testing.T, baseURL, token string) []string {
	t.Helper()
	status, body := call(t, http.MethodGet, baseURL+"/v1/stores", token, "")
	if status != http.StatusOK {
		t.Fatalf("GET /v1/stores: %d %s", status, body)
	}
	var page jwo.StorePage
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range page.Stores {
		ids = append(ids, s.ID)
	}
	return ids
}

// withPassword puts a password into a PostgreSQL URL (the test cluster
// trusts every local connection, so any password works): it must never be
// printed.
func withPassword(t *testing.T, location string) string {
	t.Helper()
	if !store.IsPostgresURL(location) {
		return location
	}
	u, err := url.Parse(location)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), secretPassword)
	// pgx also reads the password from the query, which Display once
	// printed in clear (issue 22).
	q := u.Query()
	q.Set("password", secretPassword)
	u.RawQuery = q.Encode()
	return u.String()
}

const secretPassword = "pg-secret-7f3a"

func TestServeWithSeedAndATokenCreatedWhileServing(t *testing.T) {
	t.Parallel()
	for _, e := range portaltest.Engines {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			serveSeedAndCreateToken(t, withPassword(t, e.NewDatabase(t)))
		})
	}
}

func serveSeedAndCreateToken(t *testing.T, db string) {
	s := startServing(t, runServe, "--addr", "127.0.0.1:0", "--db", db, "--dev", "--seed", writeSeed(t, seedYAML))

	if status, body := call(t, http.MethodGet, s.URL+"/healthz", "", ""); status != http.StatusOK {
		t.Errorf("GET /healthz: %d %s", status, body)
	}
	if status, _ := call(t, http.MethodGet, s.URL+"/v1/stores", "", ""); status != http.StatusUnauthorized {
		t.Errorf("GET /v1/stores without a token: %d, want 401", status)
	}
	token := createToken(t, db, "acme", "viewer")
	if ids := storeIDs(t, s.URL, token); len(ids) != 1 || ids[0] != "acme-sea-01" {
		t.Errorf("stores = %v, want the seeded acme-sea-01", ids)
	}

	if err := s.stop(); err != nil {
		t.Errorf("serve returned %v after its context ended, want nil", err)
	}
	for _, want := range []string{"seed applied", "shutting down", "stopped"} {
		if !strings.Contains(s.stderr.String(), want) {
			t.Errorf("stderr does not log %q:\n%s", want, s.stderr.String())
		}
	}
	if got := listening.FindAllString(s.stdout.String(), -1); len(got) != 1 || s.stdout.String() != got[0] {
		t.Errorf("stdout = %q, want the listening line only", s.stdout.String())
	}
	if strings.Contains(s.stderr.String(), secretPassword) {
		t.Errorf("serve logged the database password:\n%s", s.stderr.String())
	}
}

// migrate applies the schema and exits; run again it finds nothing to do.
// serve then opens the migrated database.
func TestMigrate(t *testing.T) {
	t.Parallel()
	for _, e := range portaltest.Engines {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := withPassword(t, e.NewDatabase(t))
			for range 2 {
				code, stdout, stderr := runCLI(t, "migrate", "--db", db)
				if code != exitOK || !strings.Contains(stdout, "is migrated to the schema of this version") {
					t.Fatalf("migrate: exit %d, stdout %q, stderr %q", code, stdout, stderr)
				}
				if strings.Contains(stdout+stderr, secretPassword) {
					t.Errorf("migrate printed the database password: %q", stdout)
				}
			}
			token := createToken(t, db, "acme", "viewer")
			s := startServing(t, runServe, "--addr", "127.0.0.1:0", "--db", db, "--dev")
			if ids := storeIDs(t, s.URL, token); len(ids) != 0 {
				t.Errorf("stores of a just-migrated database = %v, want none", ids)
			}
		})
	}
}

func TestServeReadsTheEnvironment(t *testing.T) {
	t.Setenv("JWO_PORTAL_ADDR", "127.0.0.1:0")
	t.Setenv("JWO_PORTAL_DB", filepath.Join(t.TempDir(), "env.db"))
	s := startServing(t, runServe, "--log-format", "json", "--rate-limit", "0")
	if status, _ := call(t, http.MethodGet, s.URL+"/healthz", "", ""); status != http.StatusOK {
		t.Errorf("GET /healthz: %d", status)
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(s.stderr.String()), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("--log-format json wrote a non-JSON line: %q", line)
		}
	}
}

func TestServeAddressInUse(t *testing.T) {
	db := filepath.Join(t.TempDir(), "portal.db")
	s := startServing(t, runServe, "--addr", "127.0.0.1:0", "--db", db)
	addr := strings.TrimPrefix(s.URL, "http://")
	code, _, stderr := runCLI(t, "serve", "--addr", addr, "--db", filepath.Join(t.TempDir(), "other.db"))
	if code != exitFailure || !strings.Contains(stderr, "jwo-portal serve: listen tcp "+addr) {
		t.Errorf("exit %d, stderr %q; want 1 and the listen error", code, stderr)
	}
}

func TestTokenCreate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "portal.db")
	first := createToken(t, db, "acme", "admin")
	second := createToken(t, db, "acme", "ADMIN")
	if first == second {
		t.Error("two token create runs printed the same token")
	}
}

func TestSeedCommandIsIdempotent(t *testing.T) {
	db := filepath.Join(t.TempDir(), "portal.db")
	path := writeSeed(t, seedYAML)
	auditCount := func() int {
		s := startServing(t, runServe, "--addr", "127.0.0.1:0", "--db", db)
		defer func() { _ = s.stop() }()
		status, body := call(t, http.MethodGet, s.URL+"/v1/audit-events", createToken(t, db, "acme", "viewer"), "")
		if status != http.StatusOK {
			t.Fatalf("GET /v1/audit-events: %d %s", status, body)
		}
		var page jwo.AuditPage
		if err := json.Unmarshal([]byte(body), &page); err != nil {
			t.Fatal(err)
		}
		// Each count mints a token, which the log records: count the rest.
		n := 0
		for _, ev := range page.Events {
			if !strings.HasPrefix(string(ev.Action), "token.") {
				n++
			}
		}
		return n
	}

	want := "jwo-portal: applied " + path + ": 1 merchant(s), 1 store(s), 1 catalog item(s)\n"
	code, stdout, stderr := runCLI(t, "seed", "--db", db, path)
	if code != exitOK || stdout != want {
		t.Fatalf("first seed: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	before := auditCount()
	if before == 0 {
		t.Fatal("the first seed left no audit events")
	}
	code, stdout, stderr = runCLI(t, "seed", "--db", db, path)
	if code != exitOK || stdout != want {
		t.Fatalf("second seed: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if after := auditCount(); after != before {
		t.Errorf("the second seed changed something: %d audit events, then %d", before, after)
	}
}

// TestDemoPath is what make demo does: a dev portal, the sample connector,
// an ORDERING connector saved against it and a connectivity test that passes.
func TestDemoPath(t *testing.T) {
	db := filepath.Join(t.TempDir(), "portal.db")
	p := startServing(t, runServe, "--addr", "127.0.0.1:0", "--db", db, "--dev", "--seed", writeSeed(t, seedYAML))
	c := startServing(t, runConnector, "--addr", "127.0.0.1:0")
	token := createToken(t, db, "acme", "operator")

	connector := p.URL + "/v1/stores/acme-sea-01/connectors/ordering"
	status, body := call(t, http.MethodPut, connector, token, `{"endpoint_url":"`+c.URL+`","endpoint_type":"PUBLIC"}`)
	if status != http.StatusCreated {
		t.Fatalf("PUT connector: %d %s", status, body)
	}
	status, body = call(t, http.MethodPost, connector+"/tests", token, `{"sku":"WATER-500"}`)
	if status != http.StatusAccepted {
		t.Fatalf("POST test: %d %s", status, body)
	}
	var run jwo.ConnectivityTest
	if err := json.Unmarshal([]byte(body), &run); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !run.Status.Finished() {
		if time.Now().After(deadline) {
			t.Fatalf("test %s still %s after 20s", run.ID, run.Status)
		}
		time.Sleep(50 * time.Millisecond)
		status, body = call(t, http.MethodGet, p.URL+"/v1/tests/"+run.ID, token, "")
		if status != http.StatusOK {
			t.Fatalf("GET test: %d %s", status, body)
		}
		if err := json.Unmarshal([]byte(body), &run); err != nil {
			t.Fatal(err)
		}
	}
	if run.Status != jwo.TestSuccessful || run.HTTPStatus != http.StatusCreated {
		t.Errorf("test = %s (%s: %s), http %d; want SUCCESSFUL with 201", run.Status, run.Reason, run.Message, run.HTTPStatus)
	}
	if !strings.Contains(c.stderr.String(), "method=ORDERING status=201") {
		t.Errorf("the connector did not log the call:\n%s", c.stderr.String())
	}
}
