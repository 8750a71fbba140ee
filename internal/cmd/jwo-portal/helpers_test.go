package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store/pgtest"
)

// runCLI runs one command line in-process, as the binary would.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut portaltest.SyncBuffer
	code = cli(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

var listening = regexp.MustCompile(`jwo-portal: listening on (http://(?:127\.0\.0\.1|\[::1\]):\d+)\n`)

// server is a serving subcommand running in-process.
type server struct {
	URL    string
	stdout *portaltest.SyncBuffer
	stderr *portaltest.SyncBuffer
	stop   func() error
}

// startServing runs a serving subcommand (serve or connector) in a
// goroutine, waits for its listening line and returns its base URL. The
// command is stopped, as SIGTERM would, by server.stop or at cleanup.
func startServing(t *testing.T, run runFunc, args ...string) *server {
	t.Helper()
	return startServingMatching(t, listening, run, args...)
}

// startServingMatching is startServing waiting for a listening line that
// pattern matches, its first group being the base URL.
func startServingMatching(t *testing.T, pattern *regexp.Regexp, run runFunc, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{stdout: &portaltest.SyncBuffer{}, stderr: &portaltest.SyncBuffer{}}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, s.stdout, s.stderr) }()

	var once sync.Once
	var stopErr error
	s.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(20 * time.Second):
				t.Errorf("the command did not stop within 20s of its context ending")
			}
		})
		return stopErr
	}
	t.Cleanup(func() { _ = s.stop() })

	deadline := time.After(20 * time.Second)
	for {
		if m := pattern.FindStringSubmatch(s.stdout.String()); m != nil {
			s.URL = m[1]
			return s
		}
		select {
		case err := <-done:
			t.Fatalf("the command ended before listening: %v\nstderr:\n%s", err, s.stderr.String())
		case <-deadline:
			t.Fatalf("no listening line within 20s; stdout %q\nstderr:\n%s", s.stdout.String(), s.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

var testClient = &http.Client{Timeout: 10 * time.Second}

// call makes one request and returns the status and body.
func call(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
