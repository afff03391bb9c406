package lifecycle_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lifecycle"
)

const restartEnv = "rs-1"

// serviceSpec is a container of service svc in the restart tests'
// environment, with a health check when hc.
func serviceSpec(svc string, hc bool) engine.ContainerSpec {
	spec := engine.ContainerSpec{Name: restartEnv + "-" + svc + "-1",
		Labels: map[string]string{labels.Env: restartEnv, labels.ComposeService: svc}, StopTimeout: dur(3 * time.Second)}
	if hc {
		spec.Healthcheck = &engine.Healthcheck{Test: []string{"CMD", "/testsvc", "probe"}, Interval: time.Second, Retries: 3}
	}
	return spec
}

// restartAsync runs RestartService in the background.
func restartAsync(t *testing.T, e engine.Engine, svc string, o lifecycle.RestartOptions) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- lifecycle.RestartService(t.Context(), e, restartEnv, svc, o) }()
	return done
}

// awaitRestarted waits until container id runs again as a new process
// (its pid is not oldPid), health "starting".
func awaitRestarted(t *testing.T, e engine.Engine, id string, oldPid int) {
	t.Helper()
	require.Eventually(t, func() bool {
		c, err := e.ContainerInspect(t.Context(), id)
		return err == nil && c.State.Running && c.State.Pid != oldPid
	}, 5*time.Second, 5*time.Millisecond, "the container was never started again")
}

func inspect(t *testing.T, e engine.Engine, id string) engine.Container {
	t.Helper()
	c, err := e.ContainerInspect(t.Context(), id)
	require.NoError(t, err)
	return c
}

// TestRestartServiceUnhealthyBecomesHealthy: an unhealthy service is
// stopped gracefully with its own grace period (no override, no removal),
// started again, and RestartService returns once it is healthy.
func TestRestartServiceUnhealthyBecomesHealthy(t *testing.T) {
	sl := &sleepLog{}
	e := newFake(t, fake.WithSleep(sl.sleep))
	id := runContainer(t, e, serviceSpec("api", true))
	require.NoError(t, e.SetHealth(id, "unhealthy"))
	before := inspect(t, e, id)

	done := restartAsync(t, e, "api", lifecycle.RestartOptions{Healthcheck: true, PollInterval: 10 * time.Millisecond})
	awaitRestarted(t, e, id, before.State.Pid)
	select {
	case err := <-done:
		t.Fatalf("returned before the service was healthy: %v", err)
	default:
	}
	require.NoError(t, e.SetHealth(id, "healthy"))
	require.NoError(t, <-done)

	after := inspect(t, e, id)
	assert.Equal(t, id, after.ID, "restarted in place")
	assert.Equal(t, "healthy", after.State.Health.Status)
	assert.Equal(t, 1, e.Calls(engine.OpContainerStop))
	assert.Zero(t, e.Calls(engine.OpContainerRemove), "a restart never removes")
	assert.Empty(t, sl.get(), "SIGTERM ended it: no grace wait")
}

// TestRestartServiceKillsAfterGrace: a service that ignores SIGTERM is
// killed after its own grace period, then started.
func TestRestartServiceKillsAfterGrace(t *testing.T) {
	sl := &sleepLog{}
	e := newFake(t, fake.WithSleep(sl.sleep))
	spec := serviceSpec("api", false)
	spec.Env = []string{"TESTSVC_IGNORE_SIGTERM=1"}
	id := runContainer(t, e, spec)

	require.NoError(t, lifecycle.RestartService(t.Context(), e, restartEnv, "api", lifecycle.RestartOptions{}))
	assert.Equal(t, []time.Duration{3 * time.Second}, sl.get(), "the container's own grace period")
	assert.True(t, inspect(t, e, id).State.Running)
}

// TestRestartServiceExitedIsStarted: an exited service without a health
// check is started without a stop, and is ready once it runs.
func TestRestartServiceExitedIsStarted(t *testing.T) {
	e := newFake(t)
	id := runContainer(t, e, serviceSpec("worker", false))
	require.NoError(t, e.Exit(id, 1))

	require.NoError(t, lifecycle.RestartService(t.Context(), e, restartEnv, "worker", lifecycle.RestartOptions{}))
	assert.True(t, inspect(t, e, id).State.Running)
	assert.Zero(t, e.Calls(engine.OpContainerStop))
}

// TestRestartServiceFailsWhenItTurnsUnhealthy: a service unhealthy again
// after the start is a ServiceError with its logs.
func TestRestartServiceFailsWhenItTurnsUnhealthy(t *testing.T) {
	e := newFake(t)
	id := runContainer(t, e, serviceSpec("api", true))
	require.NoError(t, e.AppendLog(id, "db connection refused"))
	before := inspect(t, e, id)

	done := restartAsync(t, e, "api", lifecycle.RestartOptions{Healthcheck: true, PollInterval: 10 * time.Millisecond})
	awaitRestarted(t, e, id, before.State.Pid)
	require.NoError(t, e.SetHealth(id, "unhealthy"))
	err := <-done
	se, ok := err.(*lifecycle.ServiceError)
	require.True(t, ok, "want a ServiceError, got %T %v", err, err)
	assert.Equal(t, "turned unhealthy", se.Reason)
	assert.Contains(t, se.Logs, "db connection refused")
}

// TestRestartServiceFailsWhenItExits: a service that dies after the start
// fails the restart.
func TestRestartServiceFailsWhenItExits(t *testing.T) {
	e := newFake(t)
	id := runContainer(t, e, serviceSpec("api", true))
	before := inspect(t, e, id)

	done := restartAsync(t, e, "api", lifecycle.RestartOptions{Healthcheck: true, PollInterval: 10 * time.Millisecond})
	awaitRestarted(t, e, id, before.State.Pid)
	require.NoError(t, e.Exit(id, 3))
	err := <-done
	require.Error(t, err)
	assert.Contains(t, err.Error(), "exited with code 3")
}

// TestRestartServiceTimesOut: a service still starting after the timeout
// is a TimeoutError naming it.
func TestRestartServiceTimesOut(t *testing.T) {
	e := newFake(t)
	runContainer(t, e, serviceSpec("api", true))

	err := lifecycle.RestartService(t.Context(), e, restartEnv, "api",
		lifecycle.RestartOptions{Healthcheck: true, Timeout: 100 * time.Millisecond, PollInterval: 10 * time.Millisecond})
	te, ok := err.(*lifecycle.TimeoutError)
	require.True(t, ok, "want a TimeoutError, got %T %v", err, err)
	require.Len(t, te.Pending, 1)
	assert.Equal(t, "api", te.Pending[0].Service)
	assert.Equal(t, "starting", te.Pending[0].Health)
}

// TestRestartServiceUnknown: a service without a container is
// ErrNotFound and nothing is stopped or started.
func TestRestartServiceUnknown(t *testing.T) {
	e := newFake(t)
	runContainer(t, e, serviceSpec("api", false))

	err := lifecycle.RestartService(t.Context(), e, restartEnv, "nope", lifecycle.RestartOptions{})
	require.ErrorIs(t, err, engine.ErrNotFound)
	assert.Contains(t, err.Error(), "no container in environment "+restartEnv)
	assert.Zero(t, e.Calls(engine.OpContainerStop))
	assert.Equal(t, 1, e.Calls(engine.OpContainerStart), "only the setup's start")
}
