package berth_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/engine"
)

// An environment whose last lease went lingers for reuse; gc leaves it
// while the linger lasts and takes it down once it has passed.
func TestLingerThenGC(t *testing.T) {
	r := newRig(t, "BERTH_LINGER", "1m")
	m := r.open()
	env := r.acquire(m, r.options())
	require.NoError(t, env.Release(t.Context()))

	r.clk.Advance(59 * time.Second)
	rep, err := m.GC(t.Context(), berth.GCOptions{})
	require.NoError(t, err)
	assert.Empty(t, rep.TornDown)
	require.Len(t, rep.Plan.Kept, 1)
	assert.Contains(t, rep.Plan.Kept[0].Reason, "lingering for reuse until")
	again := r.acquire(m, r.options())
	assert.True(t, again.Reused, "a lingering environment is reused")
	require.NoError(t, again.Release(t.Context()))

	r.clk.Advance(time.Minute)
	rep, err = m.GC(t.Context(), berth.GCOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{env.ID}, rep.TornDown)
	cs, err := r.eng.ContainerList(t.Context(), engine.ListFilter{All: true})
	require.NoError(t, err)
	assert.Empty(t, cs, "its containers are gone")
}

// A dedicated copy never lingers: its release takes it down at once.
func TestDedicatedIsTornDownAtRelease(t *testing.T) {
	r := newRig(t, "BERTH_LINGER", "1h")
	m := r.open()
	o := r.options()
	yes := true
	o.Dedicated = &yes
	a, b := r.acquire(m, o), r.acquire(m, o)
	assert.NotEqual(t, a.ID, b.ID, "each a copy of its own")
	require.NoError(t, a.Release(t.Context()))
	_, err := m.Env(t.Context(), a.ID)
	require.ErrorIs(t, err, berth.ErrNoSuchEnv)
	_, err = m.Env(t.Context(), b.ID)
	require.NoError(t, err, "the other copy stays")
}

// gc takes the environment's lock and checks again before it tears down:
// an acquirer that leased the environment after gc planned keeps it.
func TestGCRechecksUnderTheLock(t *testing.T) {
	r := newRig(t, "BERTH_LINGER", "1m")
	m := r.open()
	env := r.acquire(m, r.options())
	require.NoError(t, env.Release(t.Context()))
	r.clk.Advance(2 * time.Minute)

	// Hold gc after it gathered its facts (its last call is the volume
	// list) and lease the environment meanwhile from another Manager.
	hold := r.eng.Block(engine.OpVolumeList)
	type outcome struct {
		rep berth.GCReport
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		rep, err := m.GC(context.Background(), berth.GCOptions{})
		done <- outcome{rep, err}
	}()
	require.NoError(t, hold.WaitHeld(t.Context(), 1))
	other := r.open()
	leased := r.acquire(other, r.options())
	assert.True(t, leased.Reused)
	hold.Release()

	got := <-done
	require.NoError(t, got.err)
	require.Len(t, got.rep.Plan.Teardowns, 1, "gc planned the teardown")
	assert.Empty(t, got.rep.TornDown, "and did not carry it out")
	for _, res := range got.rep.Results {
		assert.Equal(t, berth.GCSkipped, res.Outcome)
		assert.Equal(t, "acquired since the plan was made: 1 live lease(s)", res.Detail)
	}
	assert.Equal(t, "running", r.inspect(env.ID, "api").State.Status)
}
