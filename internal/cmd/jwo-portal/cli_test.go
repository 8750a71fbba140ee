package main

import (
	"errors"
	"strings"
	"testing"
)

func TestHelp(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "Usage:\n  jwo-portal serve "},
		{[]string{"-h"}, "Usage:\n  jwo-portal serve "},
		{[]string{"help"}, "Usage:\n  jwo-portal serve "},
		{[]string{"help", "seed"}, "Usage: jwo-portal seed --db PATH|URL FILE"},
		{[]string{"serve", "--help"}, "Usage: jwo-portal serve --addr 127.0.0.1:8787 --db PATH|URL [--dev [--dev-allow-remote]] [--seed FILE]"},
		{[]string{"serve", "-h"}, "  --rate-limit N"},
		{[]string{"connector", "--help"}, "Usage: jwo-portal connector --addr 127.0.0.1:8788 [--latency DURATION] [--fail METHOD=STATUS]..."},
		{[]string{"token", "--help"}, "Usage: jwo-portal token create"},
		{[]string{"token", "create", "--help"}, "  --role ROLE"},
		{[]string{"seed", "--help"}, "Usage: jwo-portal seed --db PATH|URL FILE"},
		// Help wins over everything else on the line, even a missing --db.
		{[]string{"serve", "--dev", "-h"}, "Usage: jwo-portal serve"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != exitOK {
				t.Errorf("exit %d, want 0", code)
			}
			if !strings.Contains(stdout, tt.want) {
				t.Errorf("stdout does not contain %q:\n%s", tt.want, stdout)
			}
			if stderr != "" {
				t.Errorf("stderr = %q, want nothing", stderr)
			}
		})
	}
}

func TestNoArgumentsPrintsUsageToStderr(t *testing.T) {
	code, stdout, stderr := runCLI(t)
	if code != exitUsage || stdout != "" || !strings.Contains(stderr, "Usage:") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 2 and the usage on stderr", code, stdout, stderr)
	}
}

// TestUsageErrors: each bad command line exits 2 with one line naming the
// flag and its fix, then a hint to --help; nothing on stdout.
func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // the first line of stderr
		hint string
	}{
		{"unknown command", []string{"deploy"},
			`jwo-portal: unknown command "deploy": use serve, connector, token, seed, migrate, conformance or trust`, "jwo-portal --help"},
		{"serve without db", []string{"serve"},
			"jwo-portal serve: --db is required: give a SQLite file path (e.g. --db ./portal.db) or a postgres:// URL, or set JWO_PORTAL_DB", "jwo-portal serve --help"},
		{"serve unknown flag", []string{"serve", "--db", "x", "--port", "8787"},
			"jwo-portal serve: unknown flag --port", "jwo-portal serve --help"},
		{"serve flag without value", []string{"serve", "--db"},
			"jwo-portal serve: --db needs a value", "jwo-portal serve --help"},
		{"serve bad addr", []string{"serve", "--db", "x", "--addr", "8787"},
			`jwo-portal serve: --addr "8787" is not HOST:PORT: use e.g. 127.0.0.1:8787, or port 0 for any free port`, "jwo-portal serve --help"},
		{"serve negative rate limit", []string{"serve", "--db", "x", "--rate-limit", "-5"},
			`jwo-portal serve: --rate-limit "-5": use a whole number, 0 or more`, "jwo-portal serve --help"},
		{"serve bad test timeout", []string{"serve", "--db", "x", "--test-timeout", "10"},
			`jwo-portal serve: --test-timeout "10": use a duration such as 250ms, 2s or 1m30s`, "jwo-portal serve --help"},
		{"serve bad log format", []string{"serve", "--db", "x", "--log-format", "xml"},
			`jwo-portal serve: --log-format "xml" is not a format: use text or json`, "jwo-portal serve --help"},
		{"serve bad log level", []string{"serve", "--db", "x", "--log-level", "loud"},
			`jwo-portal serve: --log-level "loud": use debug, info, warn or error`, "jwo-portal serve --help"},
		{"serve bad bool", []string{"serve", "--db", "x", "--dev=maybe"},
			`jwo-portal serve: --dev "maybe": give the flag alone, or =true or =false`, "jwo-portal serve --help"},
		{"serve positional", []string{"serve", "--db", "x", "now"},
			`jwo-portal serve: unexpected argument "now": jwo-portal serve takes only flags`, "jwo-portal serve --help"},
		{"connector bad latency", []string{"connector", "--latency", "slow"},
			`jwo-portal connector: --latency "slow": use a duration such as 250ms, 2s or 1m30s`, "jwo-portal connector --help"},
		{"connector negative latency", []string{"connector", "--latency", "-1s"},
			`jwo-portal connector: --latency "-1s": use a duration such as 250ms, 2s or 1m30s`, "jwo-portal connector --help"},
		{"token without subcommand", []string{"token"},
			"jwo-portal token: missing subcommand: use create, list or revoke", "jwo-portal token --help"},
		{"token unknown subcommand", []string{"token", "delete"},
			`jwo-portal token: unknown subcommand "delete": use create, list or revoke`, "jwo-portal token --help"},
		{"token create missing role", []string{"token", "create", "--db", "x", "--merchant", "acme", "--name", "ci"},
			"jwo-portal token create: --role is required: use viewer, operator or admin", "jwo-portal token create --help"},
		{"token create unknown role", []string{"token", "create", "--db", "x", "--merchant", "acme", "--role", "owner", "--name", "ci"},
			`jwo-portal token create: --role: unknown role "owner": use one of "viewer", "operator", "admin"`, "jwo-portal token create --help"},
		{"token create missing db", []string{"token", "create", "--merchant", "acme", "--role", "admin", "--name", "ci"},
			"jwo-portal token create: --db is required: give a SQLite file path (e.g. --db ./portal.db) or a postgres:// URL, or set JWO_PORTAL_DB", "jwo-portal token create --help"},
		{"token create missing merchant", []string{"token", "create", "--db", "x", "--role", "admin", "--name", "ci"},
			"jwo-portal token create: --merchant is required: give the merchant id the token acts for", "jwo-portal token create --help"},
		{"token create missing name", []string{"token", "create", "--db", "x", "--merchant", "acme", "--role", "admin"},
			"jwo-portal token create: --name is required: give a name for the token, e.g. --name ci", "jwo-portal token create --help"},
		{"token create bad merchant", []string{"token", "create", "--db", "x", "--merchant", "acme corp", "--role", "admin", "--name", "ci"},
			`jwo-portal token create: --merchant: merchant id "acme corp" is invalid: use 1 to 255 letters, digits, '_' or '-'`, "jwo-portal token create --help"},
		{"seed without db", []string{"seed", "seed.yaml"},
			"jwo-portal seed: --db is required: give a SQLite file path (e.g. --db ./portal.db) or a postgres:// URL, or set JWO_PORTAL_DB", "jwo-portal seed --help"},
		{"seed without file", []string{"seed", "--db", "x"},
			"jwo-portal seed: missing the seed FILE: e.g. jwo-portal seed --db portal.db seed.yaml", "jwo-portal seed --help"},
		{"seed two files", []string{"seed", "--db", "x", "a.yaml", "b.yaml"},
			`jwo-portal seed: unexpected argument "b.yaml": give one seed FILE`, "jwo-portal seed --help"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("JWO_PORTAL_DB", "")
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want 2", code)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if len(lines) != 2 || lines[0] != tt.want {
				t.Fatalf("stderr:\n%s\nwant the line\n%s\nand a hint", stderr, tt.want)
			}
			if want := "Run '" + tt.hint + "' for usage."; lines[1] != want {
				t.Errorf("hint %q, want %q", lines[1], want)
			}
		})
	}
}

func TestBadFailValues(t *testing.T) {
	tests := []struct {
		value string
		want  string
	}{
		{"ORDERING", `--fail "ORDERING": use METHOD=STATUS, e.g. ORDERING=503`},
		{"ORDERING=", `--fail "ORDERING=": status "" is not an HTTP status: use 100-599, e.g. ORDERING=503`},
		{"ordering=abc", `--fail "ordering=abc": status "abc" is not an HTTP status: use 100-599, e.g. ORDERING=503`},
		{"ORDERING=99", `--fail "ORDERING=99": status "99" is not an HTTP status: use 100-599, e.g. ORDERING=503`},
		{"ORDERING=600", `--fail "ORDERING=600": status "600" is not an HTTP status`},
		{"CHECKOUT=503", `--fail "CHECKOUT=503": unknown method "CHECKOUT": use one of "IDENTITY", "LOYALTY", "ORDERING", "FRAUD_AND_ABUSE"`},
		{"=503", `--fail "=503": unknown method ""`},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			code, _, stderr := runCLI(t, "connector", "--fail", tt.value)
			if code != exitUsage {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.HasPrefix(stderr, "jwo-portal connector: "+tt.want) {
				t.Errorf("stderr:\n%s\nwant it to start with\njwo-portal connector: %s", stderr, tt.want)
			}
		})
	}
	t.Run("one method twice", func(t *testing.T) {
		code, _, stderr := runCLI(t, "connector", "--fail", "ordering=503", "--fail", "ORDERING=500")
		if code != exitUsage || !strings.Contains(stderr, "ORDERING is given twice: give one --fail per method") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
}

func TestFailValueAcceptsAnyCase(t *testing.T) {
	cfg, err := parseConnector([]string{"--fail", "ordering=503", "--fail", "Fraud_And_Abuse=403", "--addr", "127.0.0.1:0"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.fail.String(); got != "ORDERING=503,FRAUD_AND_ABUSE=403" {
		t.Errorf("fail = %s", got)
	}
}

func TestEnvironmentFallbacks(t *testing.T) {
	t.Setenv("JWO_PORTAL_ADDR", "127.0.0.1:9999")
	t.Setenv("JWO_PORTAL_DB", "/tmp/from-env.db")
	cfg, err := parseServe(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.addr != "127.0.0.1:9999" || cfg.db != "/tmp/from-env.db" {
		t.Errorf("addr %q db %q, want the environment's", cfg.addr, cfg.db)
	}
	cfg, err = parseServe([]string{"--addr", "127.0.0.1:0", "--db", "flag.db"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.addr != "127.0.0.1:0" || cfg.db != "flag.db" {
		t.Errorf("flags must win over the environment: addr %q db %q", cfg.addr, cfg.db)
	}
}

func TestServeDefaults(t *testing.T) {
	t.Setenv("JWO_PORTAL_ADDR", "")
	cfg, err := parseServe([]string{"--db", "x.db"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.addr != "127.0.0.1:8787" || cfg.rateLimit != 1000 || cfg.dev || cfg.logFormat != "text" {
		t.Errorf("defaults = %+v", cfg)
	}
}

func TestSeedFlagsAfterTheFile(t *testing.T) {
	// "seed FILE --db PATH" reads as naturally as the documented order.
	code, _, stderr := runCLI(t, "seed", "/nonexistent/seed.yaml", "--db", "x.db")
	if code != exitFailure || !strings.Contains(stderr, "/nonexistent/seed.yaml") {
		t.Errorf("exit %d, stderr %q; want the file's open error", code, stderr)
	}
}

func TestServeTrustedProxyValues(t *testing.T) {
	cfg, err := parseServe([]string{"--db", "x.db", "--trusted-proxy", "10.0.0.0/8", "--trusted-proxy", "fd00::1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.trusted.String(); got != "10.0.0.0/8,fd00::1/128" {
		t.Errorf("--trusted-proxy = %s", got)
	}
	if _, err := parseServe([]string{"--db", "x.db", "--trusted-proxy", "lb.internal"}, nil); err == nil || !strings.Contains(err.Error(), "CIDR") {
		t.Errorf("--trusted-proxy lb.internal: %v, want an error asking for a CIDR block", err)
	}
}

// --dev on an address other machines reach is refused unless
// --dev-allow-remote says so (issue 22): Dev mode opens this host's
// loopback services to the tester.
func TestServeDevRefusesRemoteAddresses(t *testing.T) {
	t.Setenv("JWO_PORTAL_ADDR", "")
	for _, addr := range []string{"0.0.0.0:8787", "[::]:8787", ":8787", "10.1.2.3:8787", "portal.example.com:8787"} {
		_, err := parseServe([]string{"--db", "x.db", "--dev", "--addr", addr}, nil)
		if err == nil || !strings.Contains(err.Error(), "--dev-allow-remote") {
			t.Errorf("serve --dev --addr %s: %v, want refused naming --dev-allow-remote", addr, err)
		}
		if _, err := parseServe([]string{"--db", "x.db", "--dev", "--dev-allow-remote", "--addr", addr}, nil); err != nil {
			t.Errorf("serve --dev --dev-allow-remote --addr %s: %v", addr, err)
		}
		if _, err := parseServe([]string{"--db", "x.db", "--addr", addr}, nil); err != nil {
			t.Errorf("serve --addr %s (production): %v", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "[::1]:8787", "localhost:8787", "127.1.2.3:8787"} {
		if _, err := parseServe([]string{"--db", "x.db", "--dev", "--addr", addr}, nil); err != nil {
			t.Errorf("serve --dev --addr %s: %v", addr, err)
		}
	}
	var usage *usageError
	if _, err := parseServe([]string{"--db", "x.db", "--dev", "--addr", "0.0.0.0:0"}, nil); !errors.As(err, &usage) {
		t.Errorf("serve --dev --addr 0.0.0.0:0: %v; want a usage error (exit 2)", err)
	}
}
