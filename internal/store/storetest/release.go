package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

// testReleaseLease: a release says how many leases remain; the last one
// going marks the environment idle, and a new lease clears that again.
func testReleaseLease(t *testing.T, ctx context.Context, s store.Store) {
	putEnvs(t, ctx, s, "e1", "e2")
	a := addLease(t, ctx, s, "e1", 1, t0)
	b := addLease(t, ctx, s, "e1", 2, t0)
	addLease(t, ctx, s, "e2", 3, t0) // another environment's lease does not count

	n, err := s.ReleaseLease(ctx, a.ID, t0.Add(time.Minute))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.True(t, idleSince(t, ctx, s, "e1").IsZero(), "a lease remains")

	n, err = s.ReleaseLease(ctx, b.ID, t0.Add(2*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, 0, n)
	requireTime(t, t0.Add(2*time.Minute), idleSince(t, ctx, s, "e1"), "IdleSince after the last release")
	_, err = s.Lease(ctx, b.ID)
	require.ErrorIs(t, err, store.ErrNotFound, "a released lease is gone")

	addLease(t, ctx, s, "e1", 4, t0.Add(3*time.Minute))
	assert.True(t, idleSince(t, ctx, s, "e1").IsZero(), "a new lease clears IdleSince")
}

// testReapLeases: one reap deletes every lease dead reports, returns them
// in AllLeases order, and marks idle exactly the environments it left
// without a lease.
func testReapLeases(t *testing.T, ctx context.Context, s store.Store) {
	putEnvs(t, ctx, s, "e1", "e2")
	e3 := testEnv("e3")
	e3.IdleSince = t0
	require.NoError(t, s.PutEnv(ctx, e3))
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Second) }
	dead1 := addLease(t, ctx, s, "e1", 101, at(0)) // e1: both dead -> idle
	dead3 := addLease(t, ctx, s, "e2", 103, at(1)) // e2: one dead, one live -> stays leased
	live := addLease(t, ctx, s, "e2", 1, at(2))
	dead2 := addLease(t, ctx, s, "e1", 102, at(3))
	// e3 has no lease and an older IdleSince: the reap leaves it alone.

	now := t0.Add(time.Hour)
	calls := 0
	reaped, err := s.ReapLeases(ctx, func(l store.Lease) bool { calls++; return l.Holder.PID > 100 }, now)
	require.NoError(t, err)
	assert.Equal(t, []store.Lease{dead1, dead3, dead2}, reaped)
	assert.Equal(t, 4, calls, "dead is asked once per lease")

	all, err := s.AllLeases(ctx)
	require.NoError(t, err)
	assert.Equal(t, []store.Lease{live}, all)
	requireTime(t, now, idleSince(t, ctx, s, "e1"), "e1 lost its last lease")
	assert.True(t, idleSince(t, ctx, s, "e2").IsZero(), "e2 keeps a lease")
	requireTime(t, t0, idleSince(t, ctx, s, "e3"), "e3 had no lease to reap")

	reaped, err = s.ReapLeases(ctx, func(store.Lease) bool { return false }, now.Add(time.Hour))
	require.NoError(t, err)
	assert.Empty(t, reaped)
	requireTime(t, now, idleSince(t, ctx, s, "e1"), "a reap that deletes nothing changes nothing")
}
