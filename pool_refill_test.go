package berth_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth"
)

// The refill starts at the take: a dedicated acquire that takes a pooled
// copy starts the refill once the copy has left the pool, before the copy
// gets its lease (the refill is a whole cold up: it must not wait on the
// taker); once per copy that leaves the pool, a broken one too. An
// acquire that takes nothing starts it after its lease; a project whose
// pool has size 0 starts none.
func TestPoolRefillStartsAtTheTake(t *testing.T) {
	r := newRig(t)
	m := r.open()
	ctx := t.Context()
	st, err := m.PoolFill(ctx, r.options(), size(2))
	require.NoError(t, err)
	refill := []string{"berth", "pool", "refill"}
	type spawned struct {
		ready       []string // the pool's ready copies when the refill started
		firstLeases int      // leases on the first copy then
	}
	var spawns []spawned
	require.NoError(t, berth.SetSpawn(ctx, m, func(argv []string) error {
		assert.Equal(t, refill, argv)
		ps, err := m.Pools(ctx)
		require.NoError(t, err)
		ls, err := berth.LeasesOn(ctx, m, st.Ready[0])
		require.NoError(t, err)
		spawns = append(spawns, spawned{ready: ps[0].Ready, firstLeases: len(ls)})
		return nil
	}))
	o := dedicated(r.options())
	o.Refill = refill

	first := r.acquire(m, o)
	require.Equal(t, st.Ready[0], first.ID)
	require.Len(t, spawns, 1, "one refill per take")
	assert.Equal(t, []string{st.Ready[1]}, spawns[0].ready, "started once the copy left the pool")
	assert.Zero(t, spawns[0].firstLeases, "started before the taker's lease")

	// The last pooled copy broke: taking it starts a refill, the taker
	// tears it down and creates its own copy, and starts no second one.
	require.NoError(t, r.eng.Exit(r.container(st.Ready[1], "db"), 1))
	second := r.acquire(m, o)
	assert.False(t, second.Reused)
	require.Len(t, spawns, 2)
	assert.Empty(t, spawns[1].ready)

	// The pool is empty: the acquire creates and refills after its lease.
	third := r.acquire(m, o)
	assert.False(t, third.Reused)
	require.Len(t, spawns, 3)

	_, err = m.PoolDrain(ctx, r.options())
	require.NoError(t, err)
	r.acquire(m, o)
	assert.Len(t, spawns, 3, "no pool: no refill")
}

// The pool's status says when each ready copy became ready (recorded
// pooled): what scripts/bench-pool times a refill by.
func TestPoolStatusSaysWhenEachCopyBecameReady(t *testing.T) {
	r := newRig(t)
	m := r.open()
	first, err := m.PoolFill(t.Context(), r.options(), size(1))
	require.NoError(t, err)
	r.clk.Advance(time.Minute)
	st, err := m.PoolFill(t.Context(), r.options(), size(2))
	require.NoError(t, err)
	require.Len(t, st.Ready, 2)
	require.Len(t, st.ReadyAt, 2)
	assert.Equal(t, first.Ready[0], st.Ready[0])
	assert.True(t, st.ReadyAt[0].Equal(t0), "%s", st.ReadyAt[0])
	assert.True(t, st.ReadyAt[1].Equal(t0.Add(time.Minute)), "%s", st.ReadyAt[1])
}
