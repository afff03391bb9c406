package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
)

// TestDemoTeardownTakesOneGracePeriod: the demo stack (4 dependency levels,
// stop_grace_period 3s) with a backend that ignores SIGTERM. Every
// container's first signal is SIGTERM, and the teardown takes about one
// grace period, not one per level.
func TestDemoTeardownTakesOneGracePeriod(t *testing.T) {
	w := newWorld(t)
	w.env = append(w.env, "DEMO_BACKEND_IGNORES_SIGTERM=1")
	up := w.run("up", "-p", w.project, "-f", demo(), "--json")
	require.Equal(t, 0, up.code, up.stderr)

	log := w.watch()
	start := time.Now()
	down := w.run("down", "-p", w.project, "-f", demo(), "--now")
	took := time.Since(start)
	require.Equal(t, 0, down.code, down.stderr)
	t.Logf("teardown of the demo stack with a SIGTERM-ignoring backend: %s", took.Round(time.Millisecond))
	assert.Empty(t, w.leftovers(context.Background()))

	first := map[string]string{} // service -> the first signal it got
	for _, ev := range log.finish(t, w.e) {
		s := ev.Attributes[labels.ComposeService]
		if _, seen := first[s]; ev.Action == "kill" && !seen {
			first[s] = ev.Attributes["signal"]
		}
	}
	assert.Len(t, first, 6, "every container got a signal: %v", first)
	for s, sig := range first {
		assert.Equal(t, "15", sig, "first signal to %s", s)
	}
	assert.GreaterOrEqual(t, took, 3*time.Second, "the backend was given its whole grace period")
	assert.Less(t, took, 6*time.Second, "about one grace period (3 s), not one per level (4 levels: 12 s)")
}

// TestARunAfterAKilledTeardownGetsAFreshEnvironment: a berth down --now is
// SIGKILLed while the daemon waits out the grace period of a service that
// ignores SIGTERM (a CI job killed by its timeout during teardown). The
// container still runs and looks healthy, but the daemon will kill it when
// the grace period ends. The next berth run must not be handed it: it
// finishes the teardown and creates a fresh copy, and its check passes.
func TestARunAfterAKilledTeardownGetsAFreshEnvironment(t *testing.T) {
	w := newWorld(t)
	file := filepath.Join(t.TempDir(), "stubborn.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`name: stubborn
services:
  web:
    image: ${BERTH_TESTSVC_IMAGE}
    environment: {TESTSVC_PORTS: "8080", TESTSVC_IGNORE_SIGTERM: "1"}
    ports: ["8080"]
    stop_grace_period: 3s
    healthcheck:
      test: ["CMD", "/testsvc", "probe"]
      interval: 1s
      retries: 30
`), 0o600))
	h := newHolder(t)
	envID := w.upFor(t, file, h)
	h.kill() // its lease is dead: the environment is idle

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events, errs := w.e.Events(ctx, engine.EventFilter{Types: []string{"container"},
		Labels: map[string]string{labels.Env: envID}})
	down := w.berth("down", "-p", w.project, "-f", file, "--now")
	require.NoError(t, down.Start())
	for sigterm := false; !sigterm; {
		select {
		case ev := <-events:
			sigterm = ev.Action == "kill" && ev.Attributes["signal"] == "15"
		case err := <-errs:
			t.Fatalf("events: %v", err)
		case <-time.After(30 * time.Second):
			t.Fatal("the teardown never sent SIGTERM")
		}
	}
	require.NoError(t, down.Process.Kill()) // mid-teardown: the stop is under way in the daemon
	_ = down.Wait()

	log := w.watch()
	run := w.run(append([]string{"run", "-p", w.project, "-f", file, "--"}, checkCmd()...)...)
	seen := log.finish(t, w.e)
	assert.Equal(t, 0, run.code, run.stderr)
	assert.Equal(t, 1, creates(seen)["web"], "a fresh container, not the dying one: %s", run.stderr)
	assert.Contains(t, run.stderr, "finishing a teardown", "the runner is told")
	assert.Empty(t, w.leftovers(context.Background()))
}
