package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// tokenListLine is one line of `token list`: the seven columns of API.md.
var tokenListLine = regexp.MustCompile(`^(tok_[0-9a-f]{18})\s+(\S+)\s+(\S+)\s+(viewer|operator|admin)\s+(\S+)\s+(\S+)\s+(\S+)$`)

func tokenListRows(t *testing.T, args ...string) [][]string {
	t.Helper()
	code, stdout, stderr := runCLI(t, append([]string{"token", "list"}, args...)...)
	if code != exitOK {
		t.Fatalf("token list: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	if got := strings.Fields(lines[0]); strings.Join(got, " ") != "ID NAME MERCHANT ROLE CREATED LAST USED EXPIRES" {
		t.Fatalf("token list header = %q", lines[0])
	}
	var rows [][]string
	for _, l := range lines[1:] {
		m := tokenListLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("token list line %q is not id, name, merchant, role, created, last used, expires", l)
		}
		rows = append(rows, m[1:])
	}
	return rows
}

// The token's life from the command line, while serve runs on the same
// file: create with an expiry, list (never a secret), revoke, and the
// running portal refuses the revoked token at its next request.
func TestTokenListAndRevokeWhileServing(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "portal.db")
	s := startServing(t, runServe, "--addr", "127.0.0.1:0", "--db", db, "--dev", "--seed", writeSeed(t, seedYAML))
	viewer := createToken(t, db, "acme", "viewer")
	code, stdout, stderr := runCLI(t, "token", "create", "--db", db, "--merchant", "acme", "--role", "admin", "--name", "ci", "--expires-in", "48h")
	if code != exitOK {
		t.Fatalf("token create --expires-in: exit %d: %s", code, stderr)
	}
	admin := strings.TrimSpace(stdout)
	createToken(t, db, "other", "operator")

	rows := tokenListRows(t, "--db", db)
	if len(rows) != 3 {
		t.Fatalf("token list: %d rows, want 3", len(rows))
	}
	_, out, _ := runCLI(t, "token", "list", "--db", db)
	for _, secret := range []string{viewer, admin} {
		if strings.Contains(out, secret) {
			t.Fatal("token list prints a secret")
		}
	}
	var viewerID string
	for _, r := range rows {
		switch r[1] {
		case "test-viewer":
			viewerID = r[0]
			if r[2] != "acme" || r[3] != "viewer" || r[6] != "never" {
				t.Errorf("viewer row %q", r)
			}
		case "ci":
			exp, err := time.Parse(time.RFC3339, r[6])
			if err != nil || time.Until(exp) < 47*time.Hour || time.Until(exp) > 49*time.Hour {
				t.Errorf("ci token expires %q, want about 48 h from now", r[6])
			}
		}
	}
	if rows := tokenListRows(t, "--db", db, "--merchant", "other"); len(rows) != 1 || rows[0][2] != "other" {
		t.Errorf("token list --merchant other: %q", rows)
	}

	if status, body := call(t, http.MethodGet, s.URL+"/v1/stores", viewer, ""); status != http.StatusOK {
		t.Fatalf("the viewer before revocation: %d %s", status, body)
	}
	code, stdout, stderr = runCLI(t, "token", "revoke", "--db", db, "--id", viewerID)
	if code != exitOK || !strings.Contains(stdout, "revoked token "+viewerID) {
		t.Fatalf("token revoke: exit %d, %q, %q", code, stdout, stderr)
	}
	status, body := call(t, http.MethodGet, s.URL+"/v1/stores", viewer, "")
	var p jwo.Problem
	_ = json.Unmarshal([]byte(body), &p)
	if status != http.StatusUnauthorized || !strings.Contains(p.Detail, "revoked") {
		t.Errorf("the revoked viewer on the running portal: %d %s; want 401 saying revoked", status, body)
	}
	if status, _ := call(t, http.MethodGet, s.URL+"/v1/stores", admin, ""); status != http.StatusOK {
		t.Errorf("the other token after the revocation: %d", status)
	}
	if rows := tokenListRows(t, "--db", db); len(rows) != 2 {
		t.Errorf("token list after revoke: %d rows, want 2", len(rows))
	}
	if code, _, stderr := runCLI(t, "token", "revoke", "--db", db, "--id", viewerID); code == exitOK || !strings.Contains(stderr, viewerID) {
		t.Errorf("revoking twice: exit %d, %q; want a failure naming the id", code, stderr)
	}
	// The audit log of acme holds both events, made by the command.
	status, body = call(t, http.MethodGet, s.URL+"/v1/audit-events", admin, "")
	if status != http.StatusOK || !strings.Contains(body, `"action":"token.revoke","store_id":"","before":{"id":"`+viewerID) ||
		!strings.Contains(body, `"actor":"jwo-portal token create","action":"token.create"`) {
		t.Errorf("audit log: %d %s", status, body)
	}
}

// A token's name is the actor of its audit events: " via " is reserved for
// the front end (issue 22), and the display-name rule applies.
func TestTokenCreateRefusesReservedAndInvisibleNames(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "portal.db")
	for name, want := range map[string]string{
		"ci via terraform": "reserves",
		"ci\u200bbot":      "U+200B",
	} {
		code, stdout, stderr := runCLI(t, "token", "create", "--db", db, "--merchant", "acme", "--role", "admin", "--name", name)
		if code == exitOK || stdout != "" || !strings.Contains(stderr, want) {
			t.Errorf("token create --name %q: exit %d, stdout %q, stderr %q; want refused naming %q", name, code, stdout, stderr, want)
		}
	}
}
