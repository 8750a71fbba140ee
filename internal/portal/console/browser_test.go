package console_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/store/pgtest"
)

// One headless Chromium serves every browser test of this binary; each test
// gets its own tab in its own browser context (cookies and storage of its
// own), so the tests run in parallel without seeing each other's sessions.
var shared struct {
	once    sync.Once
	ctx     context.Context
	cancel  func()
	err     error
	userDir string
}

// chromiumPath is the Chromium to drive: JWO_CHROMIUM, else Debian's.
func chromiumPath() (string, error) {
	if p := os.Getenv("JWO_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no chromium on PATH: install it with apt-get install -y chromium (.ci/run does)")
}

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.StopShared()
	if shared.cancel != nil {
		shared.cancel()
	}
	if shared.userDir != "" {
		_ = os.RemoveAll(shared.userDir)
	}
	os.Exit(code)
}

func startBrowser() (context.Context, func(), error) {
	path, err := chromiumPath()
	if err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "jwo-console-chromium-")
	if err != nil {
		return nil, nil, err
	}
	shared.userDir = dir
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(dir),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("headless", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		// Names resolve to nothing: the pages under test are on loopback
		// IP literals, and the browser must never reach anything else.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE [::1]"),
		chromedp.WindowSize(1280, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	if err := chromedp.Do(browser); err != nil {
		cancelBrowser()
		cancelAlloc()
		return nil, nil, fmt.Errorf("start %s: %w", path, err)
	}
	return browser, func() { cancelBrowser(); cancelAlloc() }, nil
}

// tab is a fresh tab in a fresh browser context. Without Chromium the test
// fails where JWO_REQUIRE_BROWSER=1 (.ci/run sets it) and is skipped
// elsewhere.
func tab(t *testing.T) context.Context {
	t.Helper()
	return tabFor(t, 60*time.Second)
}

// tabFor is tab with its own deadline, for a test that visits many pages.
func tabFor(t *testing.T, deadline time.Duration) context.Context {
	t.Helper()
	shared.once.Do(func() { shared.ctx, shared.cancel, shared.err = startBrowser() })
	if shared.err != nil {
		if os.Getenv("JWO_REQUIRE_BROWSER") == "1" {
			t.Fatalf("browser tests need Chromium in CI: %v", shared.err)
		}
		t.Skipf("no browser: %v", shared.err)
	}
	ctx, cancel := chromedp.NewContext(shared.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx, cancelT := context.WithTimeout(ctx, deadline)
	t.Cleanup(cancelT)
	return ctx
}

func run(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// click clicks sel once the page has finished loading: a click aimed while
// the stylesheet or the scroll to the URL's fragment still moves things can
// land beside its target, and then nothing happens.
func click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`document.readyState === "complete"`, chromedp.WithPollingInterval(20*time.Millisecond))(ctx, t)
			return err
		}),
		chromedp.Click(chromedp.CSS(sel)))
}

// eval evaluates a JavaScript expression in the tab.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("browser: %s: %v", expr, err)
	}
	return v
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("browser: text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func exists(t *testing.T, ctx context.Context, sel string) bool {
	t.Helper()
	return eval[bool](t, ctx, fmt.Sprintf(`document.querySelector(%q) !== null`, sel))
}

// signInBrowser pastes the token into the sign-in form.
func signInBrowser(t *testing.T, ctx context.Context, base, token string) {
	t.Helper()
	run(t, ctx,
		chromedp.Navigate(base+"/console/"),
		chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), token),
		click("#sign-in"),
		chromedp.WaitVisible(chromedp.CSS("#stores")),
	)
}

// waitText reloads nothing itself: the page's script reloads it while a
// test runs; this polls until sel's text is one of want.
func waitText(t *testing.T, ctx context.Context, sel string, want ...string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel)))
		s = strings.TrimSpace(s)
		if err == nil {
			for _, w := range want {
				if s == w {
					return s
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is %q, want one of %q (last error %v)", sel, s, want, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitFor polls until a JavaScript condition holds, across page loads.
func waitFor(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never held (last error %v)", cond, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// screenshot takes a PNG of the page; with JWO_CONSOLE_SCREENSHOT=1 it
// also replaces the README's picture, docs/images/console.png.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("browser: screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil || img.Bounds().Dx() < 320 {
		t.Fatalf("screenshot is no usable PNG: %v", err)
	}
	if os.Getenv("JWO_CONSOLE_SCREENSHOT") == "1" {
		dst := filepath.Join("..", "..", "..", "docs", "images", name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
