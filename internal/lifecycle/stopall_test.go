package lifecycle_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/gate"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/statedir"
)

func TestStopAllStopsInParallel(t *testing.T) {
	e := newFake(t)
	var ids []string
	for range 3 {
		ids = append(ids, runContainer(t, e, engine.ContainerSpec{}))
	}
	block := e.Block(engine.OpContainerStop)
	t.Cleanup(block.Release)

	type outcome struct {
		res []lifecycle.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := lifecycle.StopAll(t.Context(), e, ids, lifecycle.StopOptions{})
		done <- outcome{res, err}
	}()
	// All three stops are in flight at once: parallel, not one after another.
	require.NoError(t, block.WaitHeld(t.Context(), 3))
	block.Release()

	out := <-done
	require.NoError(t, out.err)
	require.Len(t, out.res, 3)
	for i, r := range out.res {
		assert.Equal(t, ids[i], r.ID)
		assert.True(t, r.Removed)
		requireGone(t, e, ids[i])
	}
}

func TestStopAllJoinsErrors(t *testing.T) {
	e := newFake(t)
	a := runContainer(t, e, engine.ContainerSpec{Name: "ca"})
	b := runContainer(t, e, engine.ContainerSpec{Name: "cb"})
	// b will not stop; a is already gone (exited and removed elsewhere).
	require.NoError(t, e.ContainerStop(t.Context(), a, engine.StopOptions{}))
	require.NoError(t, e.ContainerRemove(t.Context(), a, engine.RemoveOptions{}))
	opts := lifecycle.StopOptions{Grace: 10 * time.Millisecond, Margin: 10 * time.Millisecond}

	res, err := lifecycle.StopAll(t.Context(), stubborn{Engine: e}, []string{a, b, "nosuch"}, opts)
	var ns *lifecycle.NotStoppedError
	require.ErrorAs(t, err, &ns)
	assert.Equal(t, b, ns.ID)
	assert.True(t, res[0].Gone)
	assert.False(t, res[1].Removed)
	assert.True(t, res[2].Gone)
}

// TestStopAllThroughTheGateStopsInTurns: through a gate of 2 operation
// slots, a stop holds a slot while the daemon stops its container, so of
// 3 stops 2 are at the daemon at once and the third waits its turn.
func TestStopAllThroughTheGateStopsInTurns(t *testing.T) {
	e := newFake(t)
	var ids []string
	for range 3 {
		ids = append(ids, runContainer(t, e, engine.ContainerSpec{}))
	}
	cfg := config.DefaultGate()
	cfg.MaxConcurrentOps, cfg.MinConcurrentOps = 2, 2
	g, err := gate.New(e, gate.Options{Config: cfg, Layout: statedir.Layout{Override: t.TempDir()}})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, g.Close()) })
	block := e.Block(engine.OpContainerStop)
	t.Cleanup(block.Release)

	done := make(chan error, 1)
	go func() {
		_, err := lifecycle.StopAll(t.Context(), g, ids, lifecycle.StopOptions{})
		done <- err
	}()
	require.NoError(t, block.WaitHeld(t.Context(), 2))
	wctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, block.WaitHeld(wctx, 3), context.DeadlineExceeded, "the third stop waits for a slot")
	assert.Equal(t, 2, block.Held())
	block.Release()
	require.NoError(t, <-done)
	for _, id := range ids {
		requireGone(t, e, id)
	}
}
