package image_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/itest"
)

// run creates and starts a labelled container of the test image with env,
// and registers its cleanup (stop, then remove without force).
func run(t *testing.T, e engine.Engine, env ...string) string {
	t.Helper()
	ctx := t.Context()
	id, err := e.ContainerCreate(ctx, engine.ContainerSpec{
		Image:  itest.Image(t, e),
		Env:    env,
		Labels: itest.Label(t),
	})
	t.Cleanup(func() {
		if id == "" {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		zero := time.Duration(0)
		_ = e.ContainerStop(ctx, id, engine.StopOptions{Timeout: &zero})
		assert.NoError(t, e.ContainerRemove(ctx, id, engine.RemoveOptions{}))
	})
	require.NoError(t, err)
	require.NoError(t, e.ContainerStart(ctx, id))
	return id
}

// waitHealthy polls "/testsvc probe" inside the container until it passes.
func waitHealthy(t *testing.T, e engine.Engine, id string) {
	t.Helper()
	require.Eventually(t, func() bool {
		res, err := engine.Exec(t.Context(), e, id, "/testsvc", "probe")
		return err == nil && res.ExitCode == 0
	}, 20*time.Second, 50*time.Millisecond)
}

// waitExited polls until the container has stopped and returns its state.
func waitExited(t *testing.T, e engine.Engine, id string) engine.ContainerState {
	t.Helper()
	var st engine.ContainerState
	require.Eventually(t, func() bool {
		c, err := e.ContainerInspect(t.Context(), id)
		require.NoError(t, err)
		st = c.State
		return !st.Running && st.Status == "exited"
	}, 20*time.Second, 50*time.Millisecond)
	return st
}

func TestIntegrationServiceStopsGracefully(t *testing.T) {
	e := itest.Engine(t)
	id := run(t, e, "TESTSVC_NAME=web", "TESTSVC_PORTS=8080,9090")
	waitHealthy(t, e, id)
	res, err := engine.Exec(t.Context(), e, id, "/testsvc", "probe", "--port", "9090")
	require.NoError(t, err)
	assert.Equal(t, 0, res.ExitCode, "second port answers: %s", res.Output)

	grace := 20 * time.Second
	begin := time.Now()
	require.NoError(t, e.ContainerStop(t.Context(), id, engine.StopOptions{Timeout: &grace}))
	assert.Less(t, time.Since(begin), grace/2, "SIGTERM handled, no wait for the kill")
	assert.Equal(t, 0, waitExited(t, e, id).ExitCode)

	logs, err := engine.Logs(t.Context(), e, id, engine.LogOptions{})
	require.NoError(t, err)
	assert.Contains(t, string(logs), "testsvc web: listening on")
	assert.Contains(t, string(logs), "testsvc web: stopping")
}

func TestIntegrationServiceCrashesWithExitCode(t *testing.T) {
	e := itest.Engine(t)
	id := run(t, e, "TESTSVC_CRASH_AFTER=0.2", "TESTSVC_EXIT_CODE=7")
	assert.Equal(t, 7, waitExited(t, e, id).ExitCode)
}

func TestIntegrationServiceIgnoresSIGTERM(t *testing.T) {
	e := itest.Engine(t)
	id := run(t, e, "TESTSVC_IGNORE_SIGTERM=1")
	waitHealthy(t, e, id)
	grace := time.Second
	require.NoError(t, e.ContainerStop(t.Context(), id, engine.StopOptions{Timeout: &grace}))
	assert.Equal(t, 137, waitExited(t, e, id).ExitCode, "killed after the grace period")
}

func TestIntegrationServiceTurnsUnhealthy(t *testing.T) {
	e := itest.Engine(t)
	id := run(t, e, "TESTSVC_UNHEALTHY_AFTER=0.1")
	require.Eventually(t, func() bool {
		res, err := engine.Exec(t.Context(), e, id, "/testsvc", "probe")
		require.NoError(t, err)
		return res.ExitCode == 1
	}, 20*time.Second, 50*time.Millisecond)
}
