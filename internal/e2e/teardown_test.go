package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
