package main

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// checkPrivate fails for each of the database's files that exists with a
// mode other than 0600.
func checkPrivate(t *testing.T, db, after string) {
	t.Helper()
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		st, err := os.Stat(p)
		if os.IsNotExist(err) && p != db {
			continue // checkpointed away on close
		}
		if err != nil {
			t.Fatalf("after %s: %v", after, err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("after %s: %s has mode %v, want -rw-------", after, filepath.Base(p), st.Mode().Perm())
		}
	}
}

// The files `seed` and `serve` create hold every merchant's token hashes and
// audit log: only their owner may read them.
func TestSeedAndServeCreatePrivateFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	seeded := filepath.Join(dir, "seeded.db")
	if code, _, stderr := runCLI(t, "seed", "--db", seeded, writeSeed(t, seedYAML)); code != exitOK {
		t.Fatalf("seed: exit %d: %s", code, stderr)
	}
	checkPrivate(t, seeded, "seed")

	served := filepath.Join(dir, "served.db")
	s := startServing(t, runServe, "--addr", "127.0.0.1:0", "--db", served, "--dev")
	if status, _ := call(t, http.MethodGet, s.URL+"/healthz", "", ""); status != http.StatusOK {
		t.Fatalf("GET /healthz: %d", status)
	}
	checkPrivate(t, served, "serve started")
	createToken(t, served, "acme", "viewer")
	checkPrivate(t, served, "a token created while serving")
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
}
