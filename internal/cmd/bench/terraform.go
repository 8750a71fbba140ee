package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// cliConfig points dev_overrides at the bench's binaries, so that neither
// provider needs `terraform init` and nothing is downloaded; terraform_data
// is built in.
func cliConfig(bin string) string {
	return fmt.Sprintf(`provider_installation {
  dev_overrides {
    "justwalkout/jwo"      = %q
    "justwalkout/jwofloor" = %q
  }
  direct {}
}
`, bin, bin)
}

// workspace is one terraform working directory with its environment.
type workspace struct {
	dir string
	env []string
	// lastCPU is the CPU time of the last terraform command, its provider
	// processes included.
	lastCPU time.Duration
}

func newWorkspace(dir, cliConfigPath, config string, extraEnv ...string) (*workspace, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+cliConfigPath,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
	)
	// Logging would measure the log, not the provider.
	env = append(env, "TF_LOG=", "TF_LOG_PROVIDER=", "TF_LOG_CORE=")
	return &workspace{dir: dir, env: append(env, extraEnv...)}, nil
}

// run times one terraform command. wantExit is the exit code that counts as
// success (plan -detailed-exitcode answers 0 for "no changes").
func (w *workspace) run(ctx context.Context, wantExit int, args ...string) (time.Duration, error) {
	cmd := exec.CommandContext(ctx, "terraform", args...)
	cmd.Dir = w.dir
	cmd.Env = w.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if cmd.ProcessState != nil {
		// wait4's usage of terraform counts the providers it waited for.
		w.lastCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		return d, err
	}
	if code != wantExit {
		_ = os.WriteFile(filepath.Join(w.dir, "failed.log"), out.Bytes(), 0o644)
		tail := out.Bytes()
		if len(tail) > 3000 {
			tail = tail[len(tail)-3000:]
		}
		return d, fmt.Errorf("terraform %v in %s exited %d, want %d:\n%s", args, w.dir, code, wantExit, tail)
	}
	return d, nil
}

func (w *workspace) apply(ctx context.Context, parallelism int) (time.Duration, error) {
	return w.run(ctx, 0, "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism="+strconv.Itoa(parallelism))
}

// noopPlan is a plan with refresh that must find nothing to change.
func (w *workspace) noopPlan(ctx context.Context, parallelism int) (time.Duration, error) {
	return w.run(ctx, 0, "plan", "-detailed-exitcode", "-input=false", "-no-color", "-parallelism="+strconv.Itoa(parallelism))
}

// rssSampler follows every process running one executable (the provider
// that terraform starts, once per phase) and keeps the highest VmHWM seen.
// VmHWM is the kernel's high-water mark, so a sample misses only growth in
// the last interval before a process exits, when a provider is shutting down.
// It also keeps each process's CPU time as last seen: the sum is the
// provider's CPU cost, a figure that other load on the machine barely moves.
type rssSampler struct {
	exe  string
	stop chan struct{}
	done sync.WaitGroup

	mu    sync.Mutex
	peak  int64
	procs map[int]time.Duration // CPU time (user + system) last seen
}

func startRSSSampler(exe string, every time.Duration) *rssSampler {
	s := &rssSampler{exe: exe, stop: make(chan struct{}), procs: map[int]time.Duration{}}
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *rssSampler) sample() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		exe, err := os.Readlink("/proc/" + e.Name() + "/exe")
		if err != nil || exe != s.exe {
			continue
		}
		hwm, err := vmHWM(pid)
		if err != nil {
			continue
		}
		cpu, err := cpuTime(pid)
		if err != nil {
			continue
		}
		s.mu.Lock()
		s.procs[pid] = max(s.procs[pid], cpu)
		s.peak = max(s.peak, hwm)
		s.mu.Unlock()
	}
}

// finish stops sampling and returns the peak, the CPU time of all the
// processes it saw, and how many there were.
func (s *rssSampler) finish() (peak int64, cpu time.Duration, procs int) {
	close(s.stop)
	s.done.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.procs {
		cpu += c
	}
	return s.peak, cpu, len(s.procs)
}

// clockTick is USER_HZ, the unit of /proc/PID/stat times; 100 on Linux.
const clockTick = 10 * time.Millisecond

// cpuTime reads the user and system time a process has used.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name in parentheses may hold spaces: count fields after it.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	// After the name: state is field 3 of the file, utime 14 and stime 15.
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// output reads a number output of the workspace's state.
func (w *workspace) output(ctx context.Context, name string) (int, error) {
	cmd := exec.CommandContext(ctx, "terraform", "output", "-raw", name)
	cmd.Dir, cmd.Env = w.dir, w.env
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("terraform output %s in %s: %w", name, w.dir, err)
	}
	return strconv.Atoi(string(bytes.TrimSpace(out)))
}
