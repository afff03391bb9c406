package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// screenshotVar names a file the browser test saves its screenshot to
// (docs/status-page.png is made this way); unset, it goes to a temporary
// directory.
const screenshotVar = "BERTH_E2E_SCREENSHOT"

// browser starts Debian's chromium headless (the test command installs it)
// and collects console errors, uncaught exceptions and error log entries
// (a resource that failed to load).
func browser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	path, err := exec.LookPath("chromium")
	require.NoError(t, err, "chromium is needed (scripts/test installs Debian's chromium)")
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.WindowSize(1280, 1500))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	var mu sync.Mutex
	var errs []string
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				errs = append(errs, fmt.Sprintf("console.error %v", e.Args))
			}
		case *runtime.EventExceptionThrown:
			errs = append(errs, "exception: "+e.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError {
				errs = append(errs, "log: "+e.Entry.Text+" "+e.Entry.URL)
			}
		}
	}))
	_, err = chromedp.Call(ctx, cdplog.Enable, cdp.Empty{})
	require.NoError(t, err)
	return ctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
}

// TestServeStatusPageInABrowser: the status page in headless Chromium
// shows the running demo environment, its six services with memory bars
// and the runner's lease, without console errors; after the runner
// finishes (linger 0), the page shows the environment gone by itself,
// without a reload.
func TestServeStatusPageInABrowser(t *testing.T) {
	w := newWorld(t)
	s := w.startServe(t, nil, "--no-gc")
	rs := w.startRunners(t, 1, "-f", demo())
	env := `.env[data-id^="` + w.project + `-"]`
	ctx, consoleErrors := browser(t)

	// The sample is up to 10 s old; the page is loaded once the sample
	// has the environment ready and leased.
	_, ok := untilTrue(30*time.Second, func() bool {
		for _, e := range s.status(t).Envs {
			if strings.HasPrefix(e.ID, w.project+"-") && e.State == "ready" && len(e.Leases) > 0 {
				return true
			}
		}
		return false
	})
	require.True(t, ok, "serve's sample never showed the environment ready and leased")
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("http://"+s.addr+"/")))
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(wctx, chromedp.WaitVisible(env)))
	count := func(sel string) int {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('`+sel+`').length`))
		require.NoError(t, err)
		return n
	}
	assert.Equal(t, 6, count(env+` tr.service`), "six services")
	assert.Equal(t, 6, count(env+` tr.service .bar > span`), "a memory bar per service")
	assert.Equal(t, 1, count(env+` tr.lease`), "the runner's lease")
	assert.Equal(t, 4, count(`.chart svg`), "four charts")
	// Mark the document: a reload would lose the mark.
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.berthMark = true`))
	require.NoError(t, err)
	// One refresh from /api/status happens before the screenshot.
	_, ok = untilTrue(10*time.Second, func() bool {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.dataset.refreshed || ""`))
		return err == nil && v != ""
	})
	require.True(t, ok, "the page never refreshed from /api/status")
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	shot := os.Getenv(screenshotVar)
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "status-page.png")
	}
	require.NoError(t, os.WriteFile(shot, png, 0o644))
	t.Logf("screenshot: %s", shot)

	finish(t, rs)
	gone := time.Now()
	gctx, cancel2 := context.WithTimeout(ctx, 40*time.Second)
	defer cancel2()
	require.NoError(t, chromedp.Do(gctx, chromedp.WaitNotPresent(env)), "the page never showed the environment gone")
	t.Logf("the page showed the environment gone %s after the runner finished", time.Since(gone).Round(100*time.Millisecond))
	marked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.berthMark === true`))
	require.NoError(t, err)
	assert.True(t, marked, "without a reload")
	assert.Empty(t, consoleErrors(), "no console errors")
}
