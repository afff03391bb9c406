package berth_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/store"
)

// restartOnce asks for a restart of the rig's api service after making it
// exit, as a crash would.
func (r *rig) restartOnce(m *berth.Manager, envID string) (berth.RestartResult, error) {
	r.t.Helper()
	require.NoError(r.t, r.eng.Exit(r.container(envID, "api"), 1))
	return m.RestartEnv(r.t.Context(), envID, r.options(), "api", false)
}

// The restart limits, by the clock: 6 s cooldown, 2 restarts per 20 s
// window. Each refusal names the limit and the exact time a restart is
// allowed again; a restart at that time goes through.
func TestRestartCooldownAndWindow(t *testing.T) {
	r := newRig(t, "BERTH_RESTART_COOLDOWN", "6s", "BERTH_MAX_RESTART_ATTEMPTS", "2", "BERTH_RESTART_WINDOW", "20s")
	m := r.open()
	env := r.acquire(m, r.options())

	res, err := r.restartOnce(m, env.ID)
	require.NoError(t, err)
	assert.Equal(t, berth.RestartRestarted, res.Action)
	assert.Contains(t, res.Reason, "service api is exited (code 1)")
	t1 := r.clk.Now()

	r.clk.Advance(5 * time.Second)
	_, err = r.restartOnce(m, env.ID)
	var refused *berth.RestartRefusedError
	require.ErrorAs(t, err, &refused)
	assert.Equal(t, "cooldown: last restart 5s ago, cooldown 6s", refused.Reason)
	assert.Equal(t, t1.Add(6*time.Second), refused.NextAllowed)

	r.clk.Advance(time.Second) // exactly the cooldown
	_, err = m.RestartEnv(t.Context(), env.ID, r.options(), "api", false)
	require.NoError(t, err, "allowed at exactly last+cooldown")
	t2 := r.clk.Now()

	r.clk.Advance(6 * time.Second)
	_, err = r.restartOnce(m, env.ID)
	require.ErrorAs(t, err, &refused)
	assert.Equal(t, "2 restarts in the last 20s (limit 2)", refused.Reason)
	assert.Equal(t, t1.Add(20*time.Second), refused.NextAllowed, "the window frees a slot when the first restart leaves it")
	assert.Less(t, t2.Add(6*time.Second), refused.NextAllowed)

	r.clk.Advance(refused.NextAllowed.Sub(r.clk.Now()))
	_, err = m.RestartEnv(t.Context(), env.ID, r.options(), "api", false)
	require.NoError(t, err, "allowed once the first restart left the window")

	st, err := m.Stats(t.Context(), 0)
	require.NoError(t, err)
	require.Len(t, st.Restarts, 1)
	assert.Equal(t, 3, st.Restarts[0].Done)
	assert.Equal(t, 2, st.Restarts[0].Refused)
}

// A service that keeps dying has its own breaker: after 2 deaths in the
// window no restart for BERTH_RESTART_BREAKER_OPEN_FOR after the last
// death, then one probe; a death after the probe opens it again.
func TestRestartServiceBreaker(t *testing.T) {
	r := newRig(t, "BERTH_RESTART_COOLDOWN", "0s", "BERTH_MAX_RESTART_ATTEMPTS", "2",
		"BERTH_RESTART_WINDOW", "5m", "BERTH_RESTART_BREAKER_OPEN_FOR", "10s")
	m := r.open()
	env := r.acquire(m, r.options())
	// die makes api crash and records its death as the event watcher would.
	die := func() {
		t.Helper()
		id := r.container(env.ID, "api")
		require.NoError(t, r.eng.Exit(id, 1))
		require.NoError(t, berth.RecordEvent(t.Context(), m, store.EventRecord{Time: r.clk.Now(), EnvID: env.ID,
			Service: "api", Container: id, Action: "die", ExitCode: 1}))
	}
	die()
	r.clk.Advance(time.Second)
	require.NoError(t, r.eng.ContainerStart(t.Context(), r.container(env.ID, "api"))) // as a restart policy would
	die()
	lastDeath := r.clk.Now()

	r.clk.Advance(3 * time.Second)
	_, err := m.RestartEnv(t.Context(), env.ID, r.options(), "api", false)
	var refused *berth.RestartRefusedError
	require.ErrorAs(t, err, &refused)
	assert.Contains(t, refused.Reason, "service keeps dying, its breaker is open: breaker open: died 2 times in the last 5m0s (limit 2); last death 3s ago, open for 10s")
	assert.Equal(t, lastDeath.Add(10*time.Second), refused.NextAllowed)

	r.clk.Advance(refused.NextAllowed.Sub(r.clk.Now()))
	res, err := m.RestartEnv(t.Context(), env.ID, r.options(), "api", false)
	require.NoError(t, err, "half-open: one probe")
	assert.Equal(t, berth.RestartRestarted, res.Action)

	r.clk.Advance(time.Second)
	die()
	_, err = m.RestartEnv(t.Context(), env.ID, r.options(), "api", false)
	require.ErrorAs(t, err, &refused, "the probe died: open again")
	assert.Equal(t, r.clk.Now().Add(10*time.Second), refused.NextAllowed)

	res, err = m.RestartEnv(t.Context(), env.ID, r.options(), "api", true)
	require.NoError(t, err, "force overrides the breaker")
	assert.Equal(t, berth.RestartForced, res.Action)
}

// A healthy service is left alone unless forced.
func TestRestartLeavesAHealthyServiceAlone(t *testing.T) {
	r := newRig(t)
	m := r.open()
	env := r.acquire(m, r.options())
	before := r.container(env.ID, "api")
	res, err := m.RestartEnv(t.Context(), env.ID, r.options(), "api", false)
	require.NoError(t, err)
	assert.Equal(t, berth.RestartNone, res.Action)
	assert.Equal(t, "healthy; nothing to do", res.Reason)
	assert.Equal(t, before, r.container(env.ID, "api"))
	st, err := m.Stats(t.Context(), 0)
	require.NoError(t, err)
	assert.Empty(t, st.Restarts, "nothing recorded")
}
