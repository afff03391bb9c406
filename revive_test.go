package berth_test

import (
	"bytes"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/engine"
)

// fixedStack is the rig's stack with api also published on a fixed host
// port: it must come back on the same one.
const fixedStack = `name: unit
services:
  db:
    image: testsvc:latest
    healthcheck: {test: ["CMD", "true"], interval: 1s}
  api:
    image: testsvc:latest
    ports: ["8080", "18080:9090"]
    depends_on: {db: {condition: service_healthy}}
`

// restartDaemon does to the rig's engine what a daemon restart does:
// every container stopped, then, a while later, a new life (with or
// without the default bridge network).
func (r *rig) restartDaemon(bridge bool) {
	r.eng.StopDaemon()
	r.clk.Advance(20 * time.Second)
	r.eng.StartDaemon(bridge)
}

// startsSince lists the containers started since t, in order, from the
// events the engine holds.
func (r *rig) startsSince(t time.Time) []string {
	r.t.Helper()
	evs, errc := r.eng.Events(r.t.Context(), engine.EventFilter{Types: []string{"container"}, Since: t, Until: r.clk.Now()})
	var ids []string
	for ev := range evs {
		if ev.Action == "start" {
			ids = append(ids, ev.ActorID)
		}
	}
	require.NoError(r.t, <-errc)
	return ids
}

// A daemon restart stops an environment a lease holds: the next acquire
// starts it again in place (same containers, nothing created), in
// dependency order, tells the acquirer which endpoints changed, records
// it as revived, and the restart limits do not count it. Both ways of
// telling the daemon's start: its new default bridge, and (without one)
// its events.
func TestAcquireRevivesAnEnvironmentADaemonRestartStopped(t *testing.T) {
	for _, bridge := range []bool{true, false} {
		t.Run(map[bool]string{true: "bridge", false: "events"}[bridge], func(t *testing.T) {
			r := newRig(t)
			require.NoError(t, os.WriteFile(r.file, []byte(fixedStack), 0o600))
			m := r.open()
			held := r.acquire(m, r.options())
			db, api := r.container(held.ID, "db"), r.container(held.ID, "api")
			before := held.Vars()

			r.restartDaemon(bridge)
			restarted := r.clk.Now()
			require.Equal(t, "exited", r.inspect(held.ID, "api").State.Status)
			var out bytes.Buffer
			o := r.options()
			o.Progress = &out
			env := r.acquire(m, o)

			assert.True(t, env.Reused, "revived in place, not recreated")
			assert.Equal(t, 2, r.creates(), "nothing created")
			assert.Equal(t, db, r.container(env.ID, "db"))
			assert.Equal(t, api, r.container(env.ID, "api"))
			dbc, apic := r.inspect(env.ID, "db"), r.inspect(env.ID, "api")
			assert.True(t, dbc.State.Running && apic.State.Running)
			assert.Equal(t, []string{db, api}, r.startsSince(restarted), "db (the dependency) started first")
			after := env.Vars()
			assert.Equal(t, before["BERTH_API_PORT_9090"], after["BERTH_API_PORT_9090"], "a fixed port comes back as it was")
			assert.Equal(t, "18080", after["BERTH_API_PORT_9090"])
			assert.NotEqual(t, before["BERTH_API_PORT_8080"], after["BERTH_API_PORT_8080"], "the fake hands out a new ephemeral port")
			assert.Contains(t, out.String(), "stopped by a daemon restart; started again: api, db")
			assert.Contains(t, out.String(), "BERTH_API_PORT_8080 changed: "+after["BERTH_API_PORT_8080"])
			info, err := m.Env(t.Context(), env.ID)
			require.NoError(t, err)
			assert.Equal(t, after["BERTH_API_PORT_8080"], info.Endpoints["BERTH_API_PORT_8080"], "berth env shows the new port")

			st, err := m.Stats(t.Context(), 0)
			require.NoError(t, err)
			revived := map[string]int{}
			for _, s := range st.Restarts {
				revived[s.Service] = s.Revived
				assert.Zero(t, s.Done+s.Forced+s.Refused, "%s: only the revival is recorded", s.Service)
			}
			assert.Equal(t, map[string]int{"api": 1, "db": 1}, revived)

			// Not an attempt: a restart right away is within the cooldown
			// only if the revival counted.
			require.NoError(t, r.eng.Exit(api, 1))
			res, err := m.RestartEnv(t.Context(), env.ID, r.options(), "api", false)
			require.NoError(t, err)
			assert.Equal(t, berth.RestartRestarted, res.Action)
		})
	}
}

// Exits that are not a daemon restart's are left to the normal rules:
// the same exit codes while the daemon ran, and a crash across a restart.
func TestAcquireDoesNotReviveWhatTheDaemonDidNotStop(t *testing.T) {
	t.Run("stopped while the daemon ran", func(t *testing.T) {
		r := newRig(t)
		m := r.open()
		held := r.acquire(m, r.options())
		require.NoError(t, r.eng.Exit(r.container(held.ID, "db"), 143))
		require.NoError(t, r.eng.Exit(r.container(held.ID, "api"), 143))
		_, err := m.Acquire(t.Context(), r.options())
		require.ErrorAs(t, err, new(*berth.NotReadyError))
		assert.Contains(t, err.Error(), "in use by 1 live lease(s) and not healthy")
		assert.Equal(t, "exited", r.inspect(held.ID, "db").State.Status)
	})
	t.Run("crashed before the restart", func(t *testing.T) {
		r := newRig(t)
		m := r.open()
		held := r.acquire(m, r.options())
		require.NoError(t, r.eng.Exit(r.container(held.ID, "db"), 1))
		r.restartDaemon(true)
		_, err := m.Acquire(t.Context(), r.options())
		require.ErrorAs(t, err, new(*berth.NotReadyError))
		assert.Contains(t, err.Error(), "service db is exited (code 1)")
		assert.Equal(t, "exited", r.inspect(held.ID, "api").State.Status, "nothing started")
	})
}

// A revival that fails falls to the normal rules: reported under a live
// lease, recreated when nobody holds the environment.
func TestAcquireRevivalThatFailsFallsToTheNormalRules(t *testing.T) {
	t.Run("held", func(t *testing.T) {
		r := newRig(t)
		m := r.open()
		held := r.acquire(m, r.options())
		r.restartDaemon(true)
		r.eng.FailNext(engine.OpContainerStart, errors.New("no space left on device"))
		_, err := m.Acquire(t.Context(), r.options())
		require.ErrorAs(t, err, new(*berth.NotReadyError))
		assert.Contains(t, err.Error(), "in use by 1 live lease(s)")
		assert.Equal(t, 2, r.creates(), "nothing recreated under a live lease")
		_ = held
	})
	t.Run("unused", func(t *testing.T) {
		r := newRig(t)
		m := r.open()
		held := r.acquire(m, r.options())
		require.NoError(t, held.Release(t.Context()))
		r.restartDaemon(true)
		r.eng.FailNext(engine.OpContainerStart, errors.New("no space left on device"))
		env := r.acquire(m, r.options())
		assert.False(t, env.Reused)
		assert.Equal(t, 4, r.creates(), "recreated")
	})
}

// Manager.Revive (what berth serve calls when the daemon answers again)
// brings back every environment a daemon restart stopped, from the
// daemon's view alone (no compose file), and only those.
func TestManagerReviveBringsBackEveryStoppedEnvironment(t *testing.T) {
	r := newRig(t)
	m := r.open()
	held := r.acquire(m, r.options())
	r.restartDaemon(false)
	restarted := r.clk.Now()

	serve := r.open()
	got, err := serve.Revive(t.Context())
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, held.ID, got[0].EnvID)
	assert.Equal(t, []string{"api", "db"}, got[0].Services)
	assert.NoError(t, got[0].Err)
	assert.True(t, r.inspect(held.ID, "db").State.Running)
	assert.True(t, r.inspect(held.ID, "api").State.Running)
	assert.Equal(t, []string{r.container(held.ID, "db"), r.container(held.ID, "api")}, r.startsSince(restarted),
		"db (the dependency) started first, as its label says")

	again, err := serve.Revive(t.Context())
	require.NoError(t, err)
	assert.Empty(t, again, "nothing left to revive")
	env := r.acquire(m, r.options())
	assert.True(t, env.Reused)
	assert.Equal(t, 2, r.creates())
}
