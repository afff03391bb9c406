package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

func TestAddLease(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	e := testEnv("e1")
	e.IdleSince = t0
	require.NoError(t, s.PutEnv(ctx, e))

	l, err := s.AddLease(ctx, "e1", holder(42), 30*time.Second, t0)
	require.NoError(t, err)
	assert.Regexp(t, `^l-[0-9a-f]{16}$`, l.ID)
	assert.Equal(t, store.Lease{ID: l.ID, EnvID: "e1", Holder: holder(42), CreatedAt: t0.UTC(), HeartbeatAt: t0.UTC(), TTL: 30 * time.Second}, l)

	got, err := s.Lease(ctx, l.ID)
	require.NoError(t, err)
	assert.Equal(t, l, got, "stored lease equals the returned one (incl. a start time above 2^63)")

	env, err := s.Env(ctx, "e1")
	require.NoError(t, err)
	assert.True(t, env.IdleSince.IsZero(), "AddLease clears IdleSince")

	_, err = s.AddLease(ctx, "nope", holder(1), 0, t0)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.Lease(ctx, "l-0000000000000000")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestLeasesListing(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	require.NoError(t, s.PutEnv(ctx, testEnv("e1")))
	require.NoError(t, s.PutEnv(ctx, testEnv("e2")))
	a, err := s.AddLease(ctx, "e1", holder(1), 0, t0)
	require.NoError(t, err)
	b, err := s.AddLease(ctx, "e2", holder(2), 0, t0.Add(time.Second))
	require.NoError(t, err)
	c, err := s.AddLease(ctx, "e1", holder(3), 0, t0.Add(2*time.Second))
	require.NoError(t, err)

	e1, err := s.Leases(ctx, "e1")
	require.NoError(t, err)
	assert.Equal(t, []store.Lease{a, c}, e1)
	all, err := s.AllLeases(ctx)
	require.NoError(t, err)
	assert.Equal(t, []store.Lease{a, b, c}, all)
	none, err := s.Leases(ctx, "e3")
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestHeartbeat(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	require.NoError(t, s.PutEnv(ctx, testEnv("e1")))
	l, err := s.AddLease(ctx, "e1", holder(1), time.Minute, t0)
	require.NoError(t, err)

	require.NoError(t, s.Heartbeat(ctx, l.ID, t0.Add(40*time.Second)))
	got, err := s.Lease(ctx, l.ID)
	require.NoError(t, err)
	assert.True(t, t0.Add(40*time.Second).Equal(got.HeartbeatAt))
	assert.True(t, t0.Equal(got.CreatedAt))

	require.ErrorIs(t, s.Heartbeat(ctx, "l-missing", t0), store.ErrNotFound)
}

func TestReleaseLeaseSetsIdleSinceWhenLastGoes(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	require.NoError(t, s.PutEnv(ctx, testEnv("e1")))
	a, err := s.AddLease(ctx, "e1", holder(1), 0, t0)
	require.NoError(t, err)
	b, err := s.AddLease(ctx, "e1", holder(2), 0, t0)
	require.NoError(t, err)

	n, err := s.ReleaseLease(ctx, a.ID, t0.Add(time.Minute))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	env, err := s.Env(ctx, "e1")
	require.NoError(t, err)
	assert.True(t, env.IdleSince.IsZero(), "a lease remains")

	n, err = s.ReleaseLease(ctx, b.ID, t0.Add(2*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, 0, n)
	env, err = s.Env(ctx, "e1")
	require.NoError(t, err)
	assert.True(t, t0.Add(2*time.Minute).Equal(env.IdleSince))

	_, err = s.ReleaseLease(ctx, b.ID, t0)
	require.ErrorIs(t, err, store.ErrNotFound)

	_, err = s.AddLease(ctx, "e1", holder(3), 0, t0.Add(3*time.Minute))
	require.NoError(t, err)
	env, err = s.Env(ctx, "e1")
	require.NoError(t, err)
	assert.True(t, env.IdleSince.IsZero(), "a new lease clears IdleSince")
}

func TestReapLeases(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for _, id := range []string{"e1", "e2", "e3"} {
		require.NoError(t, s.PutEnv(ctx, testEnv(id)))
	}
	add := func(env string, pid int) store.Lease {
		l, err := s.AddLease(ctx, env, holder(pid), 0, t0)
		require.NoError(t, err)
		return l
	}
	dead1 := add("e1", 101) // e1: both dead -> idle
	dead2 := add("e1", 102)
	live := add("e2", 1) // e2: one dead, one live -> stays leased
	dead3 := add("e2", 103)
	// e3 has no lease and no IdleSince: not touched by the reap.

	now := t0.Add(time.Hour)
	reaped, err := s.ReapLeases(ctx, func(l store.Lease) bool { return l.Holder.PID > 100 }, now)
	require.NoError(t, err)
	assert.ElementsMatch(t, []store.Lease{dead1, dead2, dead3}, reaped)

	all, err := s.AllLeases(ctx)
	require.NoError(t, err)
	assert.Equal(t, []store.Lease{live}, all)

	idle := map[string]time.Time{}
	for _, id := range []string{"e1", "e2", "e3"} {
		e, err := s.Env(ctx, id)
		require.NoError(t, err)
		idle[id] = e.IdleSince
	}
	assert.True(t, now.Equal(idle["e1"]), "e1 lost its last lease")
	assert.True(t, idle["e2"].IsZero(), "e2 keeps a lease")
	assert.True(t, idle["e3"].IsZero(), "e3 had no lease to reap")

	reaped, err = s.ReapLeases(ctx, func(store.Lease) bool { return false }, now)
	require.NoError(t, err)
	assert.Empty(t, reaped)
}
