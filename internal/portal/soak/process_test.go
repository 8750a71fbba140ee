package soak

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// portalBinary is the jwo-portal executable the soak runs: $JWO_PORTAL_BIN
// (make soak passes bin/jwo-portal) or one built into the test's temp dir.
func portalBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("JWO_PORTAL_BIN"); bin != "" {
		abs, err := filepath.Abs(bin)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	bin := filepath.Join(t.TempDir(), "jwo-portal")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/justwalkout/terraform-provider-jwo/internal/cmd/jwo-portal").CombinedOutput()
	if err != nil {
		t.Fatalf("build jwo-portal: %v\n%s", err, out)
	}
	return bin
}

// cli runs one jwo-portal command to completion and returns its stdout.
func cli(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("jwo-portal %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// portalProcess is one `jwo-portal serve` on loopback.
type portalProcess struct {
	cmd  *exec.Cmd
	url  string
	logs string        // path of its stderr
	done chan struct{} // closed once the process has exited
	err  error         // what Wait returned; read after done
}

// startPortal serves the database on a free loopback port and returns once
// the process has printed the address it listens on.
func startPortal(t *testing.T, bin, db, logPath string) *portalProcess {
	t.Helper()
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = logFile.Close() }()
	// The hanging connector makes every run last the test timeout: a round
	// of a few seconds sees runs finish and runs in flight at the kill. The
	// rate limit is off so that the writers are never slowed.
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db, "--dev",
		"--rate-limit", "0", "--test-timeout", "1s", "--log-format", "json", "--log-level", "warn")
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start jwo-portal: %v", err)
	}
	p := &portalProcess{cmd: cmd, logs: logPath, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "jwo-portal: listening on "); ok {
				addr <- u
			}
		}
	}()
	go func() { p.err = cmd.Wait(); close(p.done) }()
	select {
	case p.url = <-addr:
	case <-p.done:
		t.Fatalf("jwo-portal exited before listening: %v\n%s", p.err, tail(logPath))
	case <-time.After(60 * time.Second):
		p.kill(t)
		t.Fatalf("jwo-portal did not listen within a minute\n%s", tail(logPath))
	}
	t.Cleanup(func() { p.kill(t) })
	return p
}

// kill sends SIGKILL, the crash no shutdown code runs for, and waits until
// the process is gone.
func (p *portalProcess) kill(t *testing.T) {
	t.Helper()
	select {
	case <-p.done:
		return
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("kill jwo-portal: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	select {
	case <-p.done:
	case <-ctx.Done():
		t.Errorf("jwo-portal pid %d did not die after SIGKILL", p.cmd.Process.Pid)
	}
}

// tail is the end of a log file, for failure messages.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}
