package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

func TestPutEnvRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	want := testEnv("demo-1")
	want.IdleSince = t0.Add(time.Minute)
	want.StaleAfter = 90 * time.Minute
	require.NoError(t, s.PutEnv(ctx, want))

	got, err := s.Env(ctx, "demo-1")
	require.NoError(t, err)
	assert.Equal(t, time.UTC, got.CreatedAt.Location())
	for _, pair := range [][2]time.Time{{want.CreatedAt, got.CreatedAt}, {want.ReadyAt, got.ReadyAt}, {want.IdleSince, got.IdleSince}} {
		assert.True(t, pair[0].Equal(pair[1]), "want %v, got %v", pair[0], pair[1])
	}
	want.CreatedAt, want.ReadyAt, want.IdleSince = got.CreatedAt, got.ReadyAt, got.IdleSince
	assert.Equal(t, want, got)
}

func TestPutEnvZeroTimes(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	e := testEnv("e1")
	e.ReadyAt, e.State = time.Time{}, store.StateCreating
	require.NoError(t, s.PutEnv(ctx, e))
	got, err := s.Env(ctx, "e1")
	require.NoError(t, err)
	assert.True(t, got.ReadyAt.IsZero())
	assert.True(t, got.IdleSince.IsZero())
}

func TestEnvNotFound(t *testing.T) {
	_, err := openTest(t).Env(context.Background(), "nope")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestEnvsOldestFirst(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	envs, err := s.Envs(ctx)
	require.NoError(t, err)
	assert.Empty(t, envs)

	for i, id := range []string{"c", "a", "b"} {
		e := testEnv(id)
		e.CreatedAt = t0.Add(time.Duration(-i) * time.Hour) // c newest, b oldest
		require.NoError(t, s.PutEnv(ctx, e))
	}
	envs, err = s.Envs(ctx)
	require.NoError(t, err)
	var ids []string
	for _, e := range envs {
		ids = append(ids, e.ID)
	}
	assert.Equal(t, []string{"b", "a", "c"}, ids)
}

func TestPutEnvReplacesAndKeepsLeases(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	require.NoError(t, s.PutEnv(ctx, testEnv("e1")))
	l, err := s.AddLease(ctx, "e1", holder(10), 0, t0)
	require.NoError(t, err)

	e := testEnv("e1")
	e.State, e.Endpoints = store.StateBroken, map[string]string{"BERTH_X_PORT": "1"}
	require.NoError(t, s.PutEnv(ctx, e))
	got, err := s.Env(ctx, "e1")
	require.NoError(t, err)
	assert.Equal(t, store.StateBroken, got.State)
	assert.Equal(t, e.Endpoints, got.Endpoints)

	_, err = s.Lease(ctx, l.ID)
	require.NoError(t, err, "replacing the environment must not drop its leases")
}

func TestSetEnvStateAndIdleSince(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	require.NoError(t, s.PutEnv(ctx, testEnv("e1")))

	require.NoError(t, s.SetEnvState(ctx, "e1", store.StateTearingDown))
	require.NoError(t, s.SetIdleSince(ctx, "e1", t0))
	got, err := s.Env(ctx, "e1")
	require.NoError(t, err)
	assert.Equal(t, store.StateTearingDown, got.State)
	assert.True(t, t0.Equal(got.IdleSince))

	require.NoError(t, s.SetIdleSince(ctx, "e1", time.Time{}))
	got, err = s.Env(ctx, "e1")
	require.NoError(t, err)
	assert.True(t, got.IdleSince.IsZero())

	require.ErrorIs(t, s.SetEnvState(ctx, "nope", store.StateReady), store.ErrNotFound)
	require.ErrorIs(t, s.SetIdleSince(ctx, "nope", t0), store.ErrNotFound)
}

func TestDeleteEnvCascadesToLeases(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	require.NoError(t, s.PutEnv(ctx, testEnv("e1")))
	require.NoError(t, s.PutEnv(ctx, testEnv("e2")))
	for _, env := range []string{"e1", "e1", "e2"} {
		_, err := s.AddLease(ctx, env, holder(1), 0, t0)
		require.NoError(t, err)
	}

	require.NoError(t, s.DeleteEnv(ctx, "e1"))
	_, err := s.Env(ctx, "e1")
	require.ErrorIs(t, err, store.ErrNotFound)
	all, err := s.AllLeases(ctx)
	require.NoError(t, err)
	require.Len(t, all, 1)
	assert.Equal(t, "e2", all[0].EnvID)

	require.NoError(t, s.DeleteEnv(ctx, "e1"), "deleting a missing environment is not an error")
}

// TestForeignKeyCascade checks the schema's ON DELETE CASCADE on its own,
// not through DeleteEnv's explicit lease delete.
func TestForeignKeyCascade(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	require.NoError(t, s.PutEnv(ctx, testEnv("e1")))
	_, err := s.AddLease(ctx, "e1", holder(1), 0, t0)
	require.NoError(t, err)
	_, err = s.db.ExecContext(ctx, `DELETE FROM envs WHERE id = 'e1'`)
	require.NoError(t, err)
	all, err := s.AllLeases(ctx)
	require.NoError(t, err)
	assert.Empty(t, all)
}
