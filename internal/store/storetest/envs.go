package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

// testEnvRoundTrip: every field of an environment comes back as stored,
// times to the nanosecond and in UTC.
func testEnvRoundTrip(t *testing.T, ctx context.Context, s store.Store) {
	want := testEnv("demo-1")
	want.IdleSince = t0.Add(time.Minute)
	want.StaleAfter = 90 * time.Minute
	require.NoError(t, s.PutEnv(ctx, want))

	got, err := s.Env(ctx, "demo-1")
	require.NoError(t, err)
	for _, tt := range []time.Time{got.CreatedAt, got.ReadyAt, got.IdleSince} {
		assert.Equal(t, time.UTC, tt.Location())
	}
	want.CreatedAt, want.ReadyAt, want.IdleSince = want.CreatedAt.UTC(), want.ReadyAt.UTC(), want.IdleSince.UTC()
	assert.Equal(t, want, got)
}

// testEnvZeroTimes: zero times stay zero.
func testEnvZeroTimes(t *testing.T, ctx context.Context, s store.Store) {
	e := testEnv("e1")
	e.ReadyAt, e.State = time.Time{}, store.StateCreating
	require.NoError(t, s.PutEnv(ctx, e))
	got, err := s.Env(ctx, "e1")
	require.NoError(t, err)
	assert.Equal(t, store.StateCreating, got.State)
	assert.True(t, got.ReadyAt.IsZero())
	assert.True(t, got.IdleSince.IsZero())
}

// testEnvsOrder: Envs lists by CreatedAt, then ID; none is an empty list.
func testEnvsOrder(t *testing.T, ctx context.Context, s store.Store) {
	envs, err := s.Envs(ctx)
	require.NoError(t, err)
	assert.Empty(t, envs)

	for id, age := range map[string]time.Duration{"c": 0, "a": time.Hour, "b": 2 * time.Hour, "y": 3 * time.Hour, "x": 3 * time.Hour} {
		e := testEnv(id)
		e.CreatedAt = t0.Add(-age)
		require.NoError(t, s.PutEnv(ctx, e))
	}
	envs, err = s.Envs(ctx)
	require.NoError(t, err)
	var ids []string
	for _, e := range envs {
		ids = append(ids, e.ID)
	}
	assert.Equal(t, []string{"x", "y", "b", "a", "c"}, ids)
}

// testPutEnvReplaces: putting an environment again replaces its fields
// and keeps its leases.
func testPutEnvReplaces(t *testing.T, ctx context.Context, s store.Store) {
	putEnvs(t, ctx, s, "e1")
	l := addLease(t, ctx, s, "e1", 10, t0)

	e := testEnv("e1")
	e.State, e.Endpoints, e.Linger = store.StateBroken, map[string]string{"BERTH_X_PORT": "1"}, 0
	require.NoError(t, s.PutEnv(ctx, e))
	got, err := s.Env(ctx, "e1")
	require.NoError(t, err)
	assert.Equal(t, store.StateBroken, got.State)
	assert.Equal(t, e.Endpoints, got.Endpoints)
	assert.Zero(t, got.Linger)

	_, err = s.Lease(ctx, l.ID)
	require.NoError(t, err, "replacing the environment must not drop its leases")
	envs, err := s.Envs(ctx)
	require.NoError(t, err)
	assert.Len(t, envs, 1)
}

// testSetEnvStateAndIdleSince: both change one field; the zero time
// clears IdleSince.
func testSetEnvStateAndIdleSince(t *testing.T, ctx context.Context, s store.Store) {
	putEnvs(t, ctx, s, "e1")

	require.NoError(t, s.SetEnvState(ctx, "e1", store.StateTearingDown))
	require.NoError(t, s.SetIdleSince(ctx, "e1", t0))
	got, err := s.Env(ctx, "e1")
	require.NoError(t, err)
	assert.Equal(t, store.StateTearingDown, got.State)
	requireTime(t, t0, got.IdleSince, "IdleSince")
	assert.Equal(t, "abc123", got.ConfigHash, "other fields stay")

	require.NoError(t, s.SetIdleSince(ctx, "e1", time.Time{}))
	assert.True(t, idleSince(t, ctx, s, "e1").IsZero())
}

// testDeleteEnv: deleting an environment deletes its leases (only its
// own) but not its records; deleting a missing one is not an error.
func testDeleteEnv(t *testing.T, ctx context.Context, s store.Store) {
	putEnvs(t, ctx, s, "e1", "e2")
	addLease(t, ctx, s, "e1", 1, t0)
	addLease(t, ctx, s, "e1", 2, t0)
	addLease(t, ctx, s, "e2", 3, t0)
	require.NoError(t, s.RecordUsage(ctx, store.UsageRecord{Time: t0, EnvID: "e1", Kind: store.UsageAcquire}))

	require.NoError(t, s.DeleteEnv(ctx, "e1"))
	_, err := s.Env(ctx, "e1")
	require.ErrorIs(t, err, store.ErrNotFound)
	all, err := s.AllLeases(ctx)
	require.NoError(t, err)
	require.Len(t, all, 1)
	assert.Equal(t, "e2", all[0].EnvID)
	usage, err := s.Usage(ctx, time.Time{})
	require.NoError(t, err)
	assert.Len(t, usage, 1, "records outlive their environment")

	require.NoError(t, s.DeleteEnv(ctx, "e1"), "deleting a missing environment is not an error")
}
