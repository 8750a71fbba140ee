package provider

// Some guarantees are about separate Terraform runs (two working directories
// racing on one connector) or about what Terraform itself writes (TF_LOG).
// For those a test drives the terraform binary directly, with the provider
// built from this module and installed through dev_overrides, exactly as a
// user's terraform would run it: a separate process, logging through
// Terraform.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// cliWorkspace is one Terraform working directory with its own state.
type cliWorkspace struct {
	t   *testing.T
	dir string
	env []string
}

// newCLITest is the start of a test that drives the terraform binary: it
// skips without TF_ACC, runs in parallel, and returns a fresh portal and the
// directory of a provider binary built from this module. opts shape the
// portal as newTestPortal's do.
func newCLITest(t *testing.T, opts ...testPortalOption) (*testPortal, string) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("an acceptance test: set TF_ACC=1 (make test does)")
	}
	t.Parallel()
	return newTestPortal(t, opts...), buildProviderBinary(t)
}

// buildProviderBinary builds the provider into a temporary directory and
// returns that directory, for dev_overrides.
func buildProviderBinary(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-jwo"), "github.com/justwalkout/terraform-provider-jwo")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the provider: %v\n%s", err, out)
	}
	return dir
}

// newCLIWorkspace makes a working directory whose terraform uses the
// provider in pluginDir; config is its main.tf.
func newCLIWorkspace(t *testing.T, pluginDir, config string) *cliWorkspace {
	t.Helper()
	dir := t.TempDir()
	rc := filepath.Join(dir, "terraform.rc")
	rcText := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "justwalkout/jwo" = %q
  }
  direct {}
}
`, pluginDir)
	if err := os.WriteFile(rc, []byte(rcText), 0o600); err != nil {
		t.Fatal(err)
	}
	w := &cliWorkspace{t: t, dir: dir}
	w.writeConfig(config)
	for _, kv := range os.Environ() {
		// The workspace decides logging and credentials itself, also those a
		// CI that runs the tests would offer (workload identity).
		if strings.HasPrefix(kv, "TF_LOG") || strings.HasPrefix(kv, "JWO_") || strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") ||
			strings.HasPrefix(kv, "ACTIONS_ID_TOKEN_REQUEST_") || strings.HasPrefix(kv, envHCPToken+"=") {
			continue
		}
		w.env = append(w.env, kv)
	}
	w.env = append(w.env, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	return w
}

// writeConfig replaces main.tf; every config needs the provider's source.
func (w *cliWorkspace) writeConfig(config string) {
	w.t.Helper()
	text := `terraform {
  required_providers {
    jwo = { source = "justwalkout/jwo" }
  }
}
` + config
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(text), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// run runs terraform with extra environment entries and returns its
// combined output and exit code.
func (w *cliWorkspace) run(extraEnv []string, args ...string) (string, int) {
	w.t.Helper()
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		bin = "terraform"
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = w.dir
	cmd.Env = append(append([]string{}, w.env...), extraEnv...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &exit):
		return out.String(), exit.ExitCode()
	default:
		w.t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
		return "", -1
	}
}

// mustRun is run that fails the test unless terraform exits with want.
func (w *cliWorkspace) mustRun(want int, args ...string) string {
	w.t.Helper()
	out, code := w.run(nil, args...)
	if code != want {
		w.t.Fatalf("terraform %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, out)
	}
	return out
}

// cliProviderBlock configures the provider for tp with token in the HCL.
func cliProviderBlock(tp *testPortal, token string) string {
	return fmt.Sprintf(`
provider "jwo" {
  endpoint    = %q
  token       = %q
  max_retries = 2
}
`, tp.URL, token)
}

// flattenDiagnostics joins terraform's wrapped, boxed diagnostic lines into
// one line of single spaces, so that a sentence can be searched for whole.
func flattenDiagnostics(out string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(out, "│", " ")), " ")
}

// newCLITest114 is newCLITest for what needs Terraform 1.14 or newer (terraform
// query, actions): on an older binary (or on OpenTofu, which reports the
// Terraform version it matches) the test skips, as tfversion.SkipBelow does
// for resource.Test.
func newCLITest114(t *testing.T, opts ...testPortalOption) (*testPortal, string) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("an acceptance test: set TF_ACC=1 (make test does)")
	}
	if got := terraformVersion(t); got[0] < 1 || got[0] == 1 && got[1] < 14 {
		t.Skipf("needs Terraform 1.14 or newer; TF_ACC_TERRAFORM_PATH is %d.%d.%d", got[0], got[1], got[2])
	}
	return newCLITest(t, opts...)
}

// terraformVersion is the major, minor and patch of TF_ACC_TERRAFORM_PATH.
func terraformVersion(t *testing.T) [3]int {
	t.Helper()
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		bin = "terraform"
	}
	out, err := exec.Command(bin, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version -json: %v", bin, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v\n%s", bin, err, out)
	}
	var got [3]int
	if _, err := fmt.Sscanf(v.Version, "%d.%d.%d", &got[0], &got[1], &got[2]); err != nil {
		t.Fatalf("%s reports version %q: %v", bin, v.Version, err)
	}
	return got
}

// writeFile writes one more file into the working directory.
func (w *cliWorkspace) writeFile(name, text string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, name), []byte(text), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// readFile reads a file terraform wrote into the working directory.
func (w *cliWorkspace) readFile(name string) string {
	w.t.Helper()
	b, err := os.ReadFile(filepath.Join(w.dir, name))
	if err != nil {
		w.t.Fatal(err)
	}
	return string(b)
}
