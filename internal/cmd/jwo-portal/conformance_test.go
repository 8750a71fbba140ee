package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// The sample connector on loopback passes the suite: exit 0, a table with
// one line per case.
func TestConformancePassesTheSampleConnector(t *testing.T) {
	s := startServing(t, runConnector, "--addr", "127.0.0.1:0")
	code, stdout, stderr := runCLI(t, "conformance", "--url", s.URL, "--method", "ordering", "--sku", "WATER-500")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 11 || !strings.HasPrefix(lines[0], "CASE") || !strings.HasPrefix(lines[10], "Every required case passed (9 of 9") {
		t.Fatalf("stdout:\n%s", stdout)
	}
	for i, id := range jwo.CaseIDs()[7:16] {
		if f := strings.Fields(lines[i+1]); f[0] != id || f[1] != "PASSED" || !strings.HasSuffix(f[2], "ms") {
			t.Errorf("line %q, want %s PASSED and a latency", lines[i+1], id)
		}
	}
}

// Every case id, violated by the sample connector, fails exactly that case
// through the command: exit 1 for a required case, the JSON Case objects.
func TestConformanceShowsEachViolation(t *testing.T) {
	for _, id := range jwo.CaseIDs() {
		spec, _ := jwo.FindCase(id)
		t.Run(id, func(t *testing.T) {
			s := startServing(t, runConnector, "--addr", "127.0.0.1:0", "--violate", id)
			args := []string{"conformance", "--url", s.URL + "/", "--method", string(spec.Method), "--json", "--store-id", "acme-sea-01"}
			if spec.Method == jwo.MethodOrdering {
				args = append(args, "--sku", "WATER-500")
			}
			code, stdout, stderr := runCLI(t, args...)
			wantCode := exitFailure
			if !spec.Required {
				wantCode = exitOK
			}
			if code != wantCode {
				t.Errorf("exit %d, want %d; stderr %q", code, wantCode, stderr)
			}
			if wantCode == exitFailure && !strings.Contains(stderr, "jwo-portal conformance: UNSUCCESSFUL (conformance): Required cases did not pass: "+id+" (FAILED)") {
				t.Errorf("stderr %q does not name the case", stderr)
			}
			var cases []jwo.Case
			if err := json.Unmarshal([]byte(stdout), &cases); err != nil {
				t.Fatalf("stdout is not a JSON array of cases: %v\n%s", err, stdout)
			}
			for _, c := range cases {
				want := jwo.CasePassed
				if c.ID == id {
					want = jwo.CaseFailed
				}
				if c.Status != want || c.Expected == "" || c.Observed == "" {
					t.Errorf("case %+v, want %s", c, want)
				}
			}
		})
	}
}

func TestConformanceUnreachableEndsAfterOneCase(t *testing.T) {
	code, stdout, stderr := runCLI(t, "conformance", "--url", "http://127.0.0.1:1", "--method", "IDENTITY", "--timeout", "2s")
	if code != exitFailure || !strings.Contains(stderr, "UNSUCCESSFUL (connect)") || !strings.Contains(stderr, "The suite stopped after 1 of 4 cases.") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if n := strings.Count(stdout, "SKIPPED"); n != 3 {
		t.Errorf("%d SKIPPED lines, want 3:\n%s", n, stdout)
	}
}

func TestConformanceUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--method", "IDENTITY"}, "--url is required"},
		{[]string{"--url", "ftp://x", "--method", "IDENTITY"}, `--url "ftp://x" is not an http or https URL`},
		{[]string{"--url", "http://127.0.0.1:1"}, "--method is required"},
		{[]string{"--url", "http://127.0.0.1:1", "--method", "GATE"}, `--method: unknown method "GATE"`},
		{[]string{"--url", "http://127.0.0.1:1", "--method", "ORDERING"}, "--sku: the ORDERING test orders one item"},
		{[]string{"--url", "http://127.0.0.1:1", "--method", "LOYALTY", "--sku", "X"}, "--sku: only the ORDERING test uses a SKU"},
		{[]string{"--url", "http://127.0.0.1:1", "--method", "ORDERING", "--sku", "-x"}, "--sku: "},
		{[]string{"--url", "http://127.0.0.1:1", "--method", "LOYALTY", "--store-id", "a b"}, "--store-id: "},
		{[]string{"--url", "http://127.0.0.1:1", "--method", "LOYALTY", "--timeout", "0s"}, "--timeout must be more than 0"},
		{[]string{"--url", "http://127.0.0.1:1", "--method", "LOYALTY", "extra"}, `unexpected argument "extra"`},
	} {
		code, stdout, stderr := runCLI(t, append([]string{"conformance"}, tc.args...)...)
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, "jwo-portal conformance: "+tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", tc.args, code, stdout, stderr, tc.want)
		}
	}
}
