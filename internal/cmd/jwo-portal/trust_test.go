package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

var policyIDLine = regexp.MustCompile(`^tp_[0-9a-f]{18}\n$`)

// A trust policy's life from the command line, while serve runs on the same
// file: create (the id alone on stdout), the API and `trust list` show it,
// delete, and both events are in the merchant's audit log with the command
// as the actor.
func TestTrustCreateListDeleteWhileServing(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "portal.db")
	s := startServing(t, runServe, "--addr", "127.0.0.1:0", "--db", db, "--dev", "--seed", writeSeed(t, seedYAML))
	admin := createToken(t, db, "acme", "admin")

	code, stdout, stderr := runCLI(t, "trust", "create", "--db", db, "--merchant", "acme", "--name", "main apply",
		"--issuer", "https://token.actions.githubusercontent.com", "--audience", "jwo",
		"--subject", "repo:acme/infra:ref:refs/heads/main", "--role", "operator",
		"--claim", "workflow=deploy*", "--claim", "repository_owner=acme", "--max-ttl", "15m")
	if code != exitOK || !policyIDLine.MatchString(stdout) {
		t.Fatalf("trust create: exit %d, stdout %q: %s", code, stdout, stderr)
	}
	id := strings.TrimSpace(stdout)

	status, body := call(t, http.MethodGet, s.URL+"/v1/trust-policies", admin, "")
	var list jwo.TrustPolicyList
	_ = json.Unmarshal([]byte(body), &list)
	if status != http.StatusOK || len(list.TrustPolicies) != 1 {
		t.Fatalf("GET /v1/trust-policies: %d %s", status, body)
	}
	if p := list.TrustPolicies[0]; p.ID != id || p.MaxTTL != 900 || p.Role != jwo.RoleOperator || p.Claims["repository_owner"] != "acme" {
		t.Fatalf("the API shows %+v", p)
	}

	code, stdout, stderr = runCLI(t, "trust", "list", "--db", db, "--merchant", "acme")
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	if code != exitOK || len(lines) != 2 || !strings.HasPrefix(lines[0], "ID ") ||
		strings.Join(strings.Fields(lines[1]), " ") != id+` "main apply" acme operator 15m0s https://token.actions.githubusercontent.com jwo repo:acme/infra:ref:refs/heads/main repository_owner=acme,workflow=deploy*` {
		t.Fatalf("trust list: exit %d %q %s", code, stdout, stderr)
	}
	if _, stdout, _ := runCLI(t, "trust", "list", "--db", db, "--merchant", "globex"); strings.Count(stdout, "\n") != 1 {
		t.Fatalf("trust list of another merchant: %q", stdout)
	}

	if code, stdout, stderr = runCLI(t, "trust", "delete", "--db", db, "--id", id); code != exitOK || !strings.Contains(stdout, "deleted trust policy "+id) {
		t.Fatalf("trust delete: exit %d %q %s", code, stdout, stderr)
	}
	if code, _, stderr = runCLI(t, "trust", "delete", "--db", db, "--id", id); code != exitFailure || !strings.Contains(stderr, "trust list") {
		t.Fatalf("trust delete twice: exit %d %s", code, stderr)
	}
	_, body = call(t, http.MethodGet, s.URL+"/v1/audit-events", admin, "")
	var page jwo.AuditPage
	_ = json.Unmarshal([]byte(body), &page)
	var got []string
	for _, ev := range page.Events {
		if strings.HasPrefix(string(ev.Action), "trust_policy.") {
			got = append(got, string(ev.Action)+" by "+ev.Actor)
		}
	}
	if want := "trust_policy.create by jwo-portal trust create,trust_policy.delete by jwo-portal trust delete"; strings.Join(got, ",") != want {
		t.Fatalf("audit %q, want %q", got, want)
	}
}

// Usage errors name the flag and say what to give.
func TestTrustCreateUsage(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "portal.db")
	base := []string{"trust", "create", "--db", db, "--merchant", "acme", "--name", "n", "--issuer", "https://issuer.example",
		"--audience", "jwo", "--subject", "repo:acme/*", "--role", "viewer"}
	for _, tc := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"trust", "create", "--db", db, "--merchant", "acme"}, exitUsage, "--name is required"},
		{append(base, "--claim", "ref"), exitUsage, "NAME=PATTERN"},
		{append(base, "--max-ttl", "2h"), exitUsage, "--max-ttl: 7200 seconds is out of range"},
		{append(base, "--claim", "aud=x"), exitUsage, "--claim aud:"},
		{append(base[:9], "http://issuer.example", "--audience", "jwo", "--subject", "repo:acme/*", "--role", "viewer"), exitUsage, "--issuer: issuer \"http://issuer.example\" uses http"},
		{[]string{"trust", "delete", "--db", db}, exitUsage, "--id is required"},
		{[]string{"trust", "rotate"}, exitUsage, "use create, list or delete"},
	} {
		code, _, stderr := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.says) {
			t.Errorf("%q: exit %d, stderr %q; want %d saying %q", tc.args, code, stderr, tc.code, tc.says)
		}
	}
}
