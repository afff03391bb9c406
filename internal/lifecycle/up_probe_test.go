package lifecycle_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
	"github.com/berth-dev/berth/internal/itest"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/plan"
)

// slowCheck gives s the test image's health check with the engine's
// default interval: the engine would first probe 30 s after the start.
func slowCheck(s compose.Service) compose.Service {
	s.Healthcheck = &engine.Healthcheck{Test: []string{"CMD", "/testsvc", "probe"}, Retries: 3}
	return s
}

// planWith plans services as environment envID under x-berth settings xb.
func planWith(t *testing.T, envID string, xb compose.XBerth, services ...compose.Service) *plan.Plan {
	t.Helper()
	p := &compose.Project{Name: "t", Hash: "h", Services: services, Berth: xb,
		Networks: []compose.Network{{Name: "default"}}}
	pl, err := plan.Build(p, plan.Identity{EnvID: envID, Project: "t", Mode: plan.ModeShared}, time.Now())
	require.NoError(t, err)
	return pl
}

// passes is an exec hook under which every health check passes at once,
// counting the runs.
func passes(n *atomic.Int32) fake.Option {
	return fake.WithExec(func(string, engine.ExecSpec) engine.ExecResult {
		n.Add(1)
		return engine.ExecResult{}
	})
}

// A service whose check passes is ready for its dependents and for the
// up as soon as berth's own probe passes: the engine never said healthy.
func TestUpReadyByProbeBeforeTheEngine(t *testing.T) {
	var runs atomic.Int32
	var e *fake.Engine
	apiBeforeProbe := false
	e = newFake(t, fake.WithExec(func(string, engine.ExecSpec) engine.ExecResult {
		if runs.Add(1) == 1 {
			apiBeforeProbe = hasStarted(t, e, "env-probe", "api")
		}
		return engine.ExecResult{}
	}))
	p := planWith(t, "env-probe", compose.XBerth{}, slowCheck(svc("db", nil)),
		svc("api", map[string]compose.Condition{"db": compose.ServiceHealthy}))
	rec := newRecorder()
	require.NoError(t, lifecycle.Up(t.Context(), e, p, lifecycle.UpOptions{Progress: rec, Log: itest.Logger(t)}))

	assert.False(t, apiBeforeProbe, "api waited for db's probe")
	assert.Equal(t, int32(1), runs.Load(), "the first pass was the last run")
	assert.Contains(t, rec.all(), "db ready (probe)")
	assert.Contains(t, rec.all(), "api ready", "no health check: plain ready")
	st, err := lifecycle.Status(t.Context(), e, "env-probe")
	require.NoError(t, err)
	assert.Equal(t, "starting", st.Services[1].Health, "the engine has not probed: berth's probe decided")
}

// A check that passes at once does not make the service ready before it
// runs: while its start is held, nothing is probed and nothing is ready.
func TestUpProbeWaitsForTheStart(t *testing.T) {
	var runs atomic.Int32
	e := newFake(t, passes(&runs))
	p := planWith(t, "env-early", compose.XBerth{}, slowCheck(svc("db", nil)))
	rec := newRecorder()
	hold := e.Block(engine.OpContainerStart)
	done := upAsync(t, e, p, lifecycle.UpOptions{Progress: rec})

	require.NoError(t, hold.WaitHeld(t.Context(), 1))
	assert.Zero(t, e.Calls(engine.OpContainerExec), "no probe while the start is in flight")
	assert.Equal(t, -1, rec.index("db ready (probe)"))
	hold.Release()

	require.NoError(t, result(t, done))
	assert.Less(t, rec.index("db starting"), rec.index("db ready (probe)"))
	c, err := e.ContainerInspect(t.Context(), "env-early-db-1")
	require.NoError(t, err)
	assert.True(t, c.State.Running)
}

// Probing does not soften failures: the engine's unhealthy, or a death,
// fails the up at once while berth's probe has not passed.
func TestUpProbeFailuresStillFail(t *testing.T) {
	for _, tt := range []struct {
		name, reason string
		do           func(e *fake.Engine, id string) error
	}{
		{name: "unhealthy", reason: "turned unhealthy", do: func(e *fake.Engine, id string) error { return e.SetHealth(id, "unhealthy") }},
		{name: "died", reason: "exited with code 2", do: func(e *fake.Engine, id string) error { return e.Exit(id, 2) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var runs atomic.Int32
			e := newFake(t, instant(), fake.WithExec(func(string, engine.ExecSpec) engine.ExecResult {
				runs.Add(1)
				return engine.ExecResult{ExitCode: 1}
			}))
			env := "env-fails-" + tt.name
			p := planWith(t, env, compose.XBerth{}, slowCheck(svc("db", nil)),
				svc("api", map[string]compose.Condition{"db": compose.ServiceHealthy}))
			rec := newRecorder()
			done := upAsync(t, e, p, lifecycle.UpOptions{Progress: rec, PollInterval: time.Hour})
			db := containerOf(t, e, env, "db")
			rec.wait(t, "db waiting")
			require.Eventually(t, func() bool { return runs.Load() >= 2 }, 10*time.Second, time.Millisecond, "probing")
			require.NoError(t, tt.do(e, db))

			err := result(t, done)
			se, ok := errors.AsType[*lifecycle.ServiceError](err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, "db", se.Service)
			assert.Equal(t, tt.reason, se.Reason)
			assert.False(t, hasContainer(t, e, env, "api"))
		})
	}
}

// x-berth.readiness: engine turns probing off: only the engine's verdict
// counts, and the progress says so.
func TestUpReadinessEngine(t *testing.T) {
	var runs atomic.Int32
	e := newFake(t, passes(&runs))
	p := planWith(t, "env-engine", compose.XBerth{Readiness: compose.ReadinessEngine}, slowCheck(svc("db", nil)))
	rec := newRecorder()
	done := upAsync(t, e, p, lifecycle.UpOptions{Progress: rec})
	db := containerOf(t, e, "env-engine", "db")
	rec.wait(t, "db waiting")
	require.NoError(t, e.SetHealth(db, "healthy"))

	require.NoError(t, result(t, done))
	assert.Contains(t, rec.all(), "db healthy (engine)")
	assert.Zero(t, runs.Load(), "berth ran no probe")
}

// The reuse check after a probe-ready up: the engine's "starting" is
// confirmed by one run of the check, and only when it passes.
func TestConfirmStarting(t *testing.T) {
	var fail atomic.Bool
	e := newFake(t, fake.WithExec(func(string, engine.ExecSpec) engine.ExecResult {
		if fail.Load() {
			return engine.ExecResult{ExitCode: 1}
		}
		return engine.ExecResult{}
	}))
	p := planWith(t, "env-confirm", compose.XBerth{}, slowCheck(svc("db", nil)))
	require.NoError(t, lifecycle.Up(t.Context(), e, p, lifecycle.UpOptions{}))

	st, err := lifecycle.Status(t.Context(), e, "env-confirm")
	require.NoError(t, err)
	ok, why := st.Healthy(p)
	require.False(t, ok, "the engine still says starting")
	assert.Contains(t, why, "service db is starting")

	ok, why = lifecycle.ConfirmStarting(t.Context(), e, st, p).Healthy(p)
	assert.True(t, ok, why)

	fail.Store(true)
	ok, _ = lifecycle.ConfirmStarting(t.Context(), e, st, p).Healthy(p)
	assert.False(t, ok, "a failing check confirms nothing")
	ok, _ = st.Healthy(p)
	assert.False(t, ok, "st itself is unchanged")
}
