package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedYAML is API.md's example seed file, the one the seed package's tests
// parse.
var seedYAML = func() string {
	b, err := os.ReadFile("../../portal/seed/testdata/api-example.yaml")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// writeSeed writes a seed file into a fresh temporary folder.
func writeSeed(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seed.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSeedFileMistakesNameLineAndField(t *testing.T) {
	bad := strings.Replace(seedYAML, "region: us-east-1", "region: Seattle", 1)
	bad = strings.Replace(bad, `barcode: "036000291452"`, `barcode: "036000291453"`, 1)
	path := writeSeed(t, bad)
	db := filepath.Join(t.TempDir(), "portal.db")
	for _, args := range [][]string{
		{"seed", "--db", db, path},
		// serve checks its --seed file before it opens anything.
		{"serve", "--db", db, "--addr", "127.0.0.1:0", "--seed", path},
	} {
		t.Run(args[0], func(t *testing.T) {
			code, stdout, stderr := runCLI(t, args...)
			if code != exitFailure {
				t.Errorf("exit %d, want 1", code)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			want := []string{
				"jwo-portal " + args[0] + ": the seed file has 2 mistake(s); nothing was written:",
				path + `:7: merchants[0].stores[0].region: region "Seattle" is not an AWS Region code`,
				path + `:13: merchants[0].stores[0].catalog[0].barcode: UPC barcode "036000291453" has check digit 3, expected 2`,
			}
			for _, w := range want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not contain\n  %s\nstderr:\n%s", w, stderr)
				}
			}
			if _, err := os.Stat(db); !os.IsNotExist(err) {
				t.Errorf("the database was touched (stat: %v); a bad seed must write nothing", err)
			}
		})
	}
}

func TestSeedFileSyntaxError(t *testing.T) {
	path := writeSeed(t, "merchants:\n  - id: acme\n    stores: [\n")
	code, _, stderr := runCLI(t, "seed", "--db", filepath.Join(t.TempDir(), "p.db"), path)
	if code != exitFailure || !strings.Contains(stderr, path+":") {
		t.Errorf("exit %d, stderr %q; want 1 and the file:line of the mistake", code, stderr)
	}
}
