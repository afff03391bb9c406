package e2e

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUpReadyBeforeTheEnginesFirstProbe: three health-gated levels with
// the engine's default 30 s interval come up in seconds, each service
// declared ready by berth's own probe; a second up reuses the environment
// at once although the engine still says "starting".
func TestUpReadyBeforeTheEnginesFirstProbe(t *testing.T) {
	w := newWorld(t)
	file := testdata("ready-default-interval.yaml")
	pid := strconv.Itoa(os.Getpid())
	t.Cleanup(func() {
		if r := w.run("down", "-p", w.project, "-f", file, "--holder-pid", pid, "--now"); r.code != 0 {
			t.Logf("down: exit %d: %s%s", r.code, r.stdout, r.stderr)
		}
	})

	start := time.Now()
	r := w.run("up", "-p", w.project, "-f", file, "--holder-pid", pid, "--json")
	took := time.Since(start)
	require.Equal(t, 0, r.code, r.stderr)
	t.Logf("cold up of 4 services in 3 health-gated levels, 30 s intervals: %s\n%s", took.Round(time.Millisecond), r.stderr)
	assert.Less(t, took, 15*time.Second, "well before the engine's first probe (30 s after each start)")
	for _, svc := range []string{"db", "cache", "api", "web"} {
		assert.Contains(t, r.stderr, svc+": ready (probe)", "progress names the path that declared %s ready", svc)
	}
	var a struct {
		Env string `json:"env"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &a), r.stdout)
	env := a.Env
	web := w.container(t, env, "web")
	require.NotNil(t, web.State.Health)
	assert.Equal(t, "starting", web.State.Health.Status, "the engine has not probed web yet")

	start = time.Now()
	again := w.run("up", "-p", w.project, "-f", file, "--holder-pid", pid, "--json")
	took = time.Since(start)
	require.Equal(t, 0, again.code, again.stderr)
	t.Logf("second up: %s", took.Round(time.Millisecond))
	assert.Less(t, took, 10*time.Second, "reused, not waiting for the engine")
	assert.Equal(t, web.ID, w.container(t, env, "web").ID, "the same containers")
}

// TestUpNeverReadyFailsWithinTheWaitTimeout: a health check that never
// passes fails the up at the wait timeout, with the service's last log
// lines, and leaves nothing behind.
func TestUpNeverReadyFailsWithinTheWaitTimeout(t *testing.T) {
	w := newWorld(t)
	w.env = append(w.env, "BERTH_WAIT_TIMEOUT=3s")
	file := testdata("never-ready.yaml")
	start := time.Now()
	r := w.run("up", "-p", w.project, "-f", file, "--holder-pid", strconv.Itoa(os.Getpid()))
	took := time.Since(start)
	t.Logf("failed up after %s: exit %d\n%s", took.Round(time.Millisecond), r.code, r.stderr)
	assert.NotEqual(t, 0, r.code)
	assert.Contains(t, r.stderr, "was not ready 3s after it started")
	assert.Contains(t, r.stderr, "never-ready-marker-5c1e", "the service's last log lines")
	assert.Less(t, took, 20*time.Second, "the wait timeout, the teardown (3 s grace) and the process")
	assert.Empty(t, w.leftovers(t.Context()))
	assert.False(t, strings.Contains(r.stderr, "ready (probe)"))
}
