package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// portalProcess is bin/jwo-portal serve, run as a child so that its peak
// resident memory (VmHWM) is its own and not the harness's.
type portalProcess struct {
	cmd        *exec.Cmd
	url        string
	metricsURL string // where --metrics-addr serves /metrics

	stopOnce sync.Once
	stopErr  error
}

// startPortal serves the fixture's database on a free loopback port. The
// rate limit is the serve default (1000 requests per second per token) unless
// extra arguments say otherwise: the bench reports any 429 it causes instead
// of turning the limit off.
func startPortal(ctx context.Context, bin, dbPath, logPath string, extra ...string) (*portalProcess, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	args := append([]string{"serve", "--dev", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--db", dbPath}, extra...)
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "jwo-portal"), args...)
	cmd.Stderr = logFile
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	// The first line is "jwo-portal: listening on http://ADDR".
	rd := bufio.NewReader(out)
	line, err := rd.ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("jwo-portal did not say where it listens (see %s): %w", logPath, err)
	}
	_, url, ok := strings.Cut(strings.TrimSpace(line), "listening on ")
	if !ok {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("unexpected first line of jwo-portal: %q", line)
	}
	// The second is "jwo-portal: metrics on http://ADDR/metrics".
	line, err = rd.ReadString('\n')
	_, metricsURL, ok := strings.Cut(strings.TrimSpace(line), "metrics on ")
	if err != nil || !ok {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("jwo-portal did not say where its metrics are (see %s): %q: %w", logPath, line, err)
	}
	go func() { _, _ = io.Copy(io.Discard, rd) }()
	return &portalProcess{cmd: cmd, url: url, metricsURL: metricsURL}, nil
}

// peakRSS is the portal's VmHWM so far: the kernel's own high-water mark of
// its resident set, so no sampling can miss a peak.
func (p *portalProcess) peakRSS() (int64, error) { return vmHWM(p.cmd.Process.Pid) }

// stop ends the process with SIGTERM; calls after the first return its result.
func (p *portalProcess) stop() error {
	p.stopOnce.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- p.cmd.Wait() }()
		select {
		case p.stopErr = <-done:
		case <-time.After(15 * time.Second):
			_ = p.cmd.Process.Kill()
			p.stopErr = errors.New("jwo-portal did not stop within 15s of SIGTERM; killed")
		}
	})
	return p.stopErr
}

// requests reads /metrics and returns jwo_portal_requests_total by
// "route code".
func (p *portalProcess) requests(ctx context.Context) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.metricsURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	return parseRequestCounters(resp.Body)
}

func parseRequestCounters(r io.Reader) (map[string]float64, error) {
	const name = "jwo_portal_requests_total{"
	out := map[string]float64{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name) {
			continue
		}
		labels, value, ok := strings.Cut(strings.TrimPrefix(line, name), "} ")
		if !ok {
			return nil, fmt.Errorf("metrics line %q", line)
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return nil, fmt.Errorf("metrics line %q: %w", line, err)
		}
		route, code := labelValue(labels, "route"), labelValue(labels, "code")
		out[route+" "+code] += v
	}
	return out, sc.Err()
}

func labelValue(labels, key string) string {
	_, rest, ok := strings.Cut(labels, key+`="`)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, `"`)
	return v
}

// counterDelta is after minus before, keeping only what moved, by
// "route code".
type counterDelta map[string]float64

func diffCounters(before, after map[string]float64) counterDelta {
	d := counterDelta{}
	for k, v := range after {
		// The harness's own scrapes are no API request of the provider.
		if strings.HasPrefix(k, "GET /metrics ") {
			continue
		}
		if n := v - before[k]; n != 0 {
			d[k] = n
		}
	}
	return d
}

func (d counterDelta) total() float64 {
	var t float64
	for _, v := range d {
		t += v
	}
	return t
}

// route sums one route pattern over its status codes.
func (d counterDelta) route(pattern string) float64 {
	var t float64
	for k, v := range d {
		if strings.HasPrefix(k, pattern+" ") {
			t += v
		}
	}
	return t
}

// throttled sums the 429 answers over all routes.
func (d counterDelta) throttled() float64 {
	var t float64
	suffix := " " + strconv.Itoa(http.StatusTooManyRequests)
	for k, v := range d {
		if strings.HasSuffix(k, suffix) {
			t += v
		}
	}
	return t
}

// vmHWM reads the peak resident set size of a process, in bytes.
func vmHWM(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}
