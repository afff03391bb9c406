package lifecycle_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lifecycle"
)

const ignoreSIGTERM = "TESTSVC_IGNORE_SIGTERM=1"

// watchActions collects this test's container events ("kill 15", "die 137",
// "destroy", ...) since since, until ctx ends or n destroys were seen.
func watchActions(ctx context.Context, t *testing.T, e engine.Engine, envID string, since time.Time, n int) <-chan []string {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	events, errs := e.Events(ctx, engine.EventFilter{
		Types: []string{"container"}, Labels: map[string]string{labels.Env: envID}, Since: since,
	})
	out := make(chan []string, 1)
	go func() {
		defer cancel()
		var seen []string
		destroyed := 0
	loop:
		for ev := range events {
			switch ev.Action {
			case "kill":
				seen = append(seen, "kill "+ev.Attributes["signal"])
			case "die":
				seen = append(seen, "die "+ev.Attributes["exitCode"])
			case "destroy":
				seen = append(seen, "destroy")
				destroyed++
			}
			if destroyed == n {
				break loop
			}
		}
		// The stream ended early only if no destroy came and ctx is live.
		early := destroyed < n && ctx.Err() == nil
		cancel() // ends the stream, which closes errs
		for err := range errs {
			if early {
				t.Errorf("events: %v", err)
			}
		}
		out <- seen
	}()
	return out
}

func TestIntegrationStopAndRemoveKillsAfterGrace(t *testing.T) {
	r := newRealEnv(t)
	created := time.Now()
	id := r.run(t, engine.ContainerSpec{Env: []string{ignoreSIGTERM}, StopTimeout: dur(2 * time.Second)})

	// A running container is never removed: the daemon refuses, and it runs on.
	err := r.e.ContainerRemove(t.Context(), id, engine.RemoveOptions{Volumes: true})
	require.ErrorIs(t, err, engine.ErrConflict)
	c, err := r.e.ContainerInspect(t.Context(), id)
	require.NoError(t, err)
	require.True(t, c.State.Running)

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	actions := watchActions(ctx, t, r.e, r.envID, created, 1) // replays from creation: misses nothing
	start := time.Now()
	res, err := lifecycle.StopAndRemove(ctx, r.e, id, lifecycle.StopOptions{})
	took := time.Since(start)
	require.NoError(t, err)
	t.Logf("StopAndRemove took %s (stop %s), result %+v", took, res.StopTook, res)

	assert.GreaterOrEqual(t, took, 2*time.Second, "the whole grace period is given")
	assert.Less(t, took, 12*time.Second)
	assert.True(t, res.WasRunning)
	assert.True(t, res.Killed)
	assert.Equal(t, 137, res.ExitCode)
	assert.True(t, res.Removed)
	_, err = r.e.ContainerInspect(t.Context(), id)
	require.ErrorIs(t, err, engine.ErrNotFound)
	// SIGTERM first, SIGKILL after the grace period, exit 137, then removal.
	assert.Equal(t, []string{"kill 15", "kill 9", "die 137", "destroy"}, <-actions)
}

func TestIntegrationStopAndRemoveGracefulExit(t *testing.T) {
	r := newRealEnv(t)
	id := r.run(t, engine.ContainerSpec{StopTimeout: dur(5 * time.Second),
		Mounts: []engine.Mount{{Type: "volume", Target: "/data"}}})
	c, err := r.e.ContainerInspect(t.Context(), id)
	require.NoError(t, err)
	require.Len(t, c.Mounts, 1)
	anon := c.Mounts[0].Source
	require.NotEmpty(t, anon)
	t.Cleanup(func() { _ = r.e.VolumeRemove(context.WithoutCancel(t.Context()), anon) })

	res, err := lifecycle.StopAndRemove(t.Context(), r.e, id, lifecycle.StopOptions{})
	require.NoError(t, err)
	t.Logf("result %+v", res)
	assert.False(t, res.Killed)
	assert.Less(t, res.StopTook, 5*time.Second, "a service that honours SIGTERM stops before its grace period ends")
	assert.True(t, res.Removed)
	vols, err := r.e.VolumeList(t.Context(), engine.ListFilter{})
	require.NoError(t, err)
	for _, v := range vols {
		assert.NotEqual(t, anon, v.Name, "the anonymous volume goes with the container")
	}

	again, err := lifecycle.StopAndRemove(t.Context(), r.e, id, lifecycle.StopOptions{})
	require.NoError(t, err, "idempotent")
	assert.True(t, again.Gone)
}

func TestIntegrationStopAllIsParallel(t *testing.T) {
	r := newRealEnv(t)
	var ids []string
	for range 3 {
		ids = append(ids, r.run(t, engine.ContainerSpec{Env: []string{ignoreSIGTERM}, StopTimeout: dur(2 * time.Second)}))
	}

	start := time.Now()
	res, err := lifecycle.StopAll(t.Context(), r.e, ids, lifecycle.StopOptions{})
	took := time.Since(start)
	require.NoError(t, err)
	t.Logf("StopAll of 3 containers with 2 s grace took %s", took)

	assert.GreaterOrEqual(t, took, 2*time.Second)
	assert.Less(t, took, 5*time.Second, "parallel: about one grace period, not three")
	for i, rr := range res {
		assert.True(t, rr.Killed, "container %d", i)
		assert.True(t, rr.Removed, "container %d", i)
	}
}
