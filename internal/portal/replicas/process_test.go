package replicas

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store/pgtest"
)

func TestMain(m *testing.M) {
	code := pgtest.Main(m)
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

var (
	binOnce sync.Once
	binDir  string
	bin     string
	binErr  error
)

// portalBinary builds jwo-portal once per test binary.
func portalBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "jwo-portal-bin-"); binErr != nil {
			return
		}
		bin = filepath.Join(binDir, "jwo-portal")
		out, err := exec.Command("go", "build", "-o", bin, "github.com/justwalkout/terraform-provider-jwo/internal/cmd/jwo-portal").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("build jwo-portal: %w\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return bin
}

// replica is one `jwo-portal serve` process on loopback.
type replica struct {
	name string
	cmd  *exec.Cmd
	url  string
	logs *bytes.Buffer
	mu   *sync.Mutex
	done chan struct{}
}

// lease is the replicas' lease in these tests: short, so that a killed
// replica's runs are swept within seconds.
const lease = 2 * time.Second

// startReplica starts a replica; flags are added to (and override) the
// ones every replica gets.
func startReplica(t *testing.T, name, db string, flags ...string) *replica {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--dev",
		"--rate-limit", "0", "--test-timeout", "5s", "--replica-lease", lease.String(), "--log-level", "warn"}, flags...)
	cmd := exec.Command(portalBinary(t), args...)
	r := &replica{name: name, cmd: cmd, logs: &bytes.Buffer{}, mu: &sync.Mutex{}, done: make(chan struct{})}
	cmd.Stderr = lockedWriter{r.mu, r.logs}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "jwo-portal: listening on "); ok {
				addr <- u
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(r.done) }()
	t.Cleanup(func() { r.kill(t) })
	select {
	case r.url = <-addr:
	case <-r.done:
		t.Fatalf("replica %s exited before listening:\n%s", name, r.log())
	case <-time.After(30 * time.Second):
		t.Fatalf("replica %s did not listen within 30s:\n%s", name, r.log())
	}
	// serve listens before it has opened the database: ready is when
	// /healthz says so, as a load balancer's health check would.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if a := do(http.MethodGet, r.url+"/healthz", "", ""); a.status == http.StatusOK {
			return r
		}
		select {
		case <-r.done:
			t.Fatalf("replica %s exited before it was healthy:\n%s", name, r.log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica %s was not healthy within 30s:\n%s", name, r.log())
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (r *replica) log() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.logs.String()
}

// kill sends SIGKILL, which no shutdown code runs for.
func (r *replica) kill(t *testing.T) {
	t.Helper()
	select {
	case <-r.done:
		return
	default:
	}
	if err := r.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("kill replica %s: %v", r.name, err)
	}
	select {
	case <-r.done:
	case <-time.After(20 * time.Second):
		t.Errorf("replica %s did not die after SIGKILL", r.name)
	}
}

// fixture is a seeded database, its tokens, and the stores of the test.
type fixture struct {
	db       string
	operator string
	admin    string
	stores   []string
}

const merchant = "acme"

// newFixture seeds n JWO stores that need all four methods, one catalog item
// each, and mints an operator and an admin token.
func newFixture(t *testing.T, db string, n int) fixture {
	t.Helper()
	f := fixture{db: db}
	var stores []seed.Store
	for i := range n {
		id := fmt.Sprintf("r-%02d", i)
		f.stores = append(f.stores, id)
		stores = append(stores, seed.Store{
			StoreProfile: jwo.StoreProfile{ID: id, Name: "Replica store " + id, StoreType: jwo.StoreTypeJWO, Region: "us-east-1",
				EntryMethods: []jwo.EntryMethod{jwo.EntryAppQR}, FraudAndAbuseStrategy: jwo.FraudCustomerManaged,
				OrderDelegation: true, LoyaltyProgram: true},
			Catalog: []jwo.CatalogItem{{SKU: "WATER-500", Barcode: "036000291452", BarcodeType: jwo.BarcodeUPC, Name: "Water"}},
		})
	}
	portaltest.ApplySeed(t, db, seed.File{Merchants: []seed.Merchant{{ID: merchant, Stores: stores}}})
	f.operator = portaltest.CreateToken(t, db, merchant, jwo.RoleOperator, "replica-operator")
	f.admin = portaltest.CreateToken(t, db, merchant, jwo.RoleAdmin, "replica-admin")
	return f
}

var httpClient = &http.Client{Timeout: 15 * time.Second}

// answer is one HTTP exchange; err is set when none came back (the replica
// is dead, the connection broke): the outcome of a write is then unknown.
type answer struct {
	status int
	header http.Header
	body   []byte
	err    error
}

func (a answer) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("decode %s: %v", a.body, err)
	}
}

func do(method, url, token, body string, header ...string) answer {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: b, err: err}
}

func connectorPath(storeID string, m jwo.Method) string {
	return "/v1/stores/" + storeID + "/connectors/" + string(m)
}

func connectorBody(endpoint string) string {
	return fmt.Sprintf(`{"endpoint_url":%q,"endpoint_type":"PUBLIC"}`, endpoint)
}
