// Package pgtest starts throwaway PostgreSQL clusters for tests and the
// bench: initdb into a temp folder owned by the postgres user (the server
// refuses to run as root), a free loopback port, and a stop and removal at
// the end. Shared gives one cluster per test binary, on which every test
// gets its own database; Start gives a test a cluster of its own, for tests
// that stop and restart the server.
//
// A watchdog process stops the cluster and removes its folder when the
// process that started it exits in any way (a test timeout, a kill), so no
// postmaster outlives its test binary for more than a second.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// RequireEnv, when set to 1, turns a missing PostgreSQL into a test failure
// instead of a skip; .ci/run sets it, so CI never skips silently.
const RequireEnv = "JWO_REQUIRE_POSTGRES"

// BinEnv names a folder holding initdb, pg_ctl and postgres, for machines
// where they are not in /usr/lib/postgresql/*/bin.
const BinEnv = "JWO_POSTGRES_BIN"

// Options tunes a cluster.
type Options struct {
	// Durable keeps fsync and synchronous commits on, as in production; the
	// bench measures with it. Tests run without, since nothing they check
	// depends on surviving a power cut.
	Durable bool
}

// Server is a running (or stopped) throwaway cluster.
type Server struct {
	bin  string
	dir  string // owned by postgres: data/ and the socket
	port int
	opts Options
	// asPostgres is set when this process is root and must run the server
	// binaries as the postgres user.
	asPostgres bool

	mu      sync.Mutex
	admin   *pgx.Conn
	running bool
	dbs     atomic.Int64
	stopped bool
}

// BinDir finds the PostgreSQL server binaries, or says why there are none.
func BinDir() (string, error) {
	if d := os.Getenv(BinEnv); d != "" {
		return d, checkBin(d)
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return majorOf(dirs[i]) > majorOf(dirs[j]) })
	for _, d := range dirs {
		if checkBin(d) == nil {
			return d, nil
		}
	}
	return "", errors.New("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin: install Debian's postgresql package (apt-get install postgresql) or set " + BinEnv)
}

func majorOf(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func checkBin(dir string) error {
	for _, b := range []string{"initdb", "pg_ctl", "postgres"} {
		if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
			return fmt.Errorf("PostgreSQL binaries in %s: %w", dir, err)
		}
	}
	return nil
}

var (
	shared     *Server
	sharedErr  error
	sharedOnce sync.Once
)

// Shared returns the cluster of this test binary, starting it on first use.
// It skips t when PostgreSQL is not installed (fails when RequireEnv is 1).
func Shared(t testing.TB) *Server {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = start(Options{}) })
	if sharedErr != nil {
		unavailable(t, sharedErr)
	}
	return shared
}

// Main runs the tests of a package that uses Shared and stops the shared
// cluster after them: func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }.
func Main(m *testing.M) int {
	code := m.Run()
	StopShared()
	return code
}

// StopShared stops the shared cluster, if one was started; for a TestMain
// that does more than Main.
func StopShared() {
	if shared != nil {
		shared.Stop()
	}
}

// Start gives t a cluster of its own, stopped and removed when t ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := start(opts)
	if err != nil {
		unavailable(t, err)
	}
	t.Cleanup(s.Stop)
	return s
}

// StartCluster is Start outside a test (the bench); the caller stops it.
func StartCluster(opts Options) (*Server, error) { return start(opts) }

func unavailable(t testing.TB, err error) {
	t.Helper()
	var missing *missingError
	if errors.As(err, &missing) && os.Getenv(RequireEnv) != "1" {
		t.Skipf("PostgreSQL tests skipped: %v", err)
	}
	t.Fatalf("throwaway PostgreSQL: %v", err)
}

type missingError struct{ err error }

func (e *missingError) Error() string { return e.err.Error() }

func start(opts Options) (*Server, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, &missingError{err}
	}
	s := &Server{bin: bin, opts: opts, asPostgres: os.Geteuid() == 0}
	if s.dir, err = os.MkdirTemp("", "jwo-pg-"); err != nil {
		return nil, err
	}
	if err := s.ownDir(); err != nil {
		_ = os.RemoveAll(s.dir)
		return nil, err
	}
	if out, err := s.command("initdb", "-D", s.dataDir(), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--no-locale").CombinedOutput(); err != nil {
		_ = os.RemoveAll(s.dir)
		return nil, fmt.Errorf("initdb: %w: %s", err, out)
	}
	if err := s.watchdog(); err != nil {
		_ = os.RemoveAll(s.dir)
		return nil, err
	}
	// A free port can be taken between asking and listening: try again.
	for range 3 {
		if s.port, err = freePort(); err != nil {
			break
		}
		if err = s.Start(); err == nil {
			return s, nil
		}
	}
	s.Stop()
	return nil, err
}

func (s *Server) dataDir() string { return filepath.Join(s.dir, "data") }

// ownDir hands the folder to the postgres user when running as root.
func (s *Server) ownDir() error {
	if !s.asPostgres {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return &missingError{fmt.Errorf("running as root needs a postgres user to run the server as: %w", err)}
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(s.dir, uid, gid)
}

func (s *Server) command(name string, args ...string) *exec.Cmd {
	path := filepath.Join(s.bin, name)
	if s.asPostgres {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

// watchdog stops the cluster once this process is gone. It runs in its own
// process group, so that a signal to the test's group does not take it along.
func (s *Server) watchdog() error {
	stop := s.command("pg_ctl", "-D", s.dataDir(), "-m", "immediate", "-w", "stop")
	script := fmt.Sprintf("while kill -0 %d 2>/dev/null; do sleep 1; done; %s >/dev/null 2>&1; rm -rf %s",
		os.Getpid(), shellJoin(stop.Args), shellQuote(s.dir))
	cmd := exec.Command("sh", "-c", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the PostgreSQL watchdog: %w", err)
	}
	go func() { _ = cmd.Wait() }() // reaped when it ends; never waited for
	return nil
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = shellQuote(a)
	}
	return strings.Join(q, " ")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start (re)starts the server on its port, waiting until it accepts
// connections.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		return nil
	}
	settings := []string{
		"-p", strconv.Itoa(s.port), "-k", s.dir, "-c", "listen_addresses=127.0.0.1",
		"-c", "max_connections=500", "-c", "shared_buffers=64MB",
	}
	if !s.opts.Durable {
		settings = append(settings, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	cmd := s.command("pg_ctl", "-D", s.dataDir(), "-l", filepath.Join(s.dir, "server.log"), "-w", "-t", "30",
		"-o", strings.Join(settings, " "), "start")
	if out, err := cmd.CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
		return fmt.Errorf("pg_ctl start on port %d: %w: %s\n%s", s.port, err, out, lastLines(string(log), 10))
	}
	s.running = true
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Halt stops the server at once (as a crash would, without a checkpoint)
// but keeps its data, so that Start brings it back.
func (s *Server) Halt() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		return nil
	}
	if s.admin != nil {
		_ = s.admin.Close(context.Background()) // the server is going away
		s.admin = nil
	}
	out, err := s.command("pg_ctl", "-D", s.dataDir(), "-m", "immediate", "-w", "stop").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %w: %s", err, out)
	}
	s.running = false
	return nil
}

// Stop halts the server and removes its folder.
func (s *Server) Stop() {
	_ = s.Halt() // nothing to do about a server that will not stop; the watchdog tries again
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.stopped {
		s.stopped = true
		_ = os.RemoveAll(s.dir)
	}
}

// URL is the connection URL of one database of the cluster.
func (s *Server) URL(database string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, database)
}

// CreateDatabase creates an empty database and returns its URL.
func (s *Server) CreateDatabase(ctx context.Context) (string, error) {
	name := fmt.Sprintf("jwo_%d", s.dbs.Add(1))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.admin == nil || s.admin.IsClosed() {
		c, err := pgx.Connect(ctx, s.URL("postgres"))
		if err != nil {
			return "", err
		}
		s.admin = c
	}
	// One at a time: CREATE DATABASE refuses a template that another
	// CREATE DATABASE is copying.
	if _, err := s.admin.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE template0 STRATEGY FILE_COPY"); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return s.URL(name), nil
}

// NewDatabase is CreateDatabase for a test: an empty database of the shared
// cluster of its own, dropped with the cluster.
func NewDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	u, err := Shared(t).CreateDatabase(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
