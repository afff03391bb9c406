package berth_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
)

func dedicated(o berth.Options) berth.Options {
	yes := true
	o.Dedicated = &yes
	return o
}

func size(n int) *int { return &n }

// containersOf counts the containers of environment envID.
func (r *rig) containersOf(envID string) int {
	r.t.Helper()
	cs, err := r.eng.ContainerList(r.t.Context(), engine.ListFilter{All: true, Labels: map[string]string{labels.Env: envID}})
	require.NoError(r.t, err)
	return len(cs)
}

// A dedicated acquire takes a ready pooled copy (oldest first) without
// creating anything; the copy is used once (torn down at release); with
// the pool empty, a dedicated acquire creates as before; a fill brings
// the pool back to its size.
func TestPoolTakeRefillAndUseOnce(t *testing.T) {
	r := newRig(t)
	m := r.open()
	st, err := m.PoolFill(t.Context(), r.options(), size(2))
	require.NoError(t, err)
	require.Len(t, st.Ready, 2)
	require.Equal(t, 4, r.creates(), "two copies of two services")

	env := r.acquire(m, dedicated(r.options()))
	assert.Equal(t, st.Ready[0], env.ID, "the oldest copy is taken first")
	assert.True(t, env.Reused)
	assert.Equal(t, berth.ModeDedicated, env.Mode)
	assert.Equal(t, 4, r.creates(), "a take creates nothing")
	_, err = env.Endpoint("api", 8080)
	require.NoError(t, err, "the copy's endpoints come with it")
	ps, err := m.Pools(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []string{st.Ready[1]}, ps[0].Ready)

	require.NoError(t, env.Release(t.Context()))
	assert.Zero(t, r.containersOf(env.ID), "used once: torn down at release")

	second := r.acquire(m, dedicated(r.options()))
	assert.Equal(t, st.Ready[1], second.ID)
	third := r.acquire(m, dedicated(r.options()))
	assert.False(t, third.Reused, "the pool is empty: created as without one")
	assert.Equal(t, 6, r.creates())

	refilled, err := m.PoolFill(t.Context(), r.options(), nil)
	require.NoError(t, err)
	assert.Len(t, refilled.Ready, 2, "the size set before")
	assert.NotContains(t, refilled.Ready, second.ID)
	assert.Equal(t, 10, r.creates())
}

// A pooled copy that broke while it waited is never handed out: the
// taker tears it down and takes the next one (or creates one).
func TestPoolNeverHandsOutABrokenCopy(t *testing.T) {
	r := newRig(t)
	m := r.open()
	st, err := m.PoolFill(t.Context(), r.options(), size(1))
	require.NoError(t, err)
	require.NoError(t, r.eng.Exit(r.container(st.Ready[0], "db"), 1))

	env := r.acquire(m, dedicated(r.options()))
	assert.NotEqual(t, st.Ready[0], env.ID)
	assert.False(t, env.Reused)
	assert.Zero(t, r.containersOf(st.Ready[0]), "the broken copy is torn down")
}

// A changed configuration replaces the pool's copies: the next fill (or
// refill) tears down the old ones and creates copies of the new one; a
// dedicated acquire never takes a copy of the old configuration.
func TestPoolReplacesAChangedConfiguration(t *testing.T) {
	r := newRig(t)
	m := r.open()
	old, err := m.PoolFill(t.Context(), r.options(), size(2))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(r.file, []byte(strings.Replace(stack, "interval: 1s", "interval: 2s", 1)), 0o600))

	env := r.acquire(m, dedicated(r.options()))
	assert.False(t, slices.Contains(old.Ready, env.ID), "no copy of the old configuration")
	require.NoError(t, env.Release(t.Context()))

	st, err := m.PoolFill(t.Context(), r.options(), nil)
	require.NoError(t, err)
	assert.Len(t, st.Ready, 2)
	for _, id := range old.Ready {
		assert.NotContains(t, st.Ready, id)
		assert.Zero(t, r.containersOf(id), "old copy %s reclaimed", id)
	}
}

// gc keeps pooled copies (no lease, no linger) while their pool wants
// them, and reclaims them when the pool shrinks or they go stale; drain
// takes them all down.
func TestPoolGCAndDrain(t *testing.T) {
	r := newRig(t)
	m := r.open()
	st, err := m.PoolFill(t.Context(), r.options(), size(2))
	require.NoError(t, err)
	rep, err := m.GC(t.Context(), berth.GCOptions{})
	require.NoError(t, err)
	assert.Empty(t, rep.TornDown, "gc keeps what the pool wants")

	r.clk.Advance(5 * time.Hour) // past the default stale age (4 h)
	rep, err = m.GC(t.Context(), berth.GCOptions{})
	require.NoError(t, err)
	assert.ElementsMatch(t, st.Ready, rep.TornDown, "stale pooled copies are reclaimed")

	st, err = m.PoolFill(t.Context(), r.options(), nil)
	require.NoError(t, err)
	require.Len(t, st.Ready, 2)
	drained, err := m.PoolDrain(t.Context(), r.options())
	require.NoError(t, err)
	assert.Empty(t, drained.Ready)
	for _, id := range st.Ready {
		assert.Zero(t, r.containersOf(id))
	}
}
