package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

// TestUpdateWaitsForWriteLockUntilContextEnds: while one Store holds the
// write lock, another Store's Update with an ended context fails with the
// context's error, and the lock is usable again once released.
func TestUpdateWaitsForWriteLockUntilContextEnds(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "berth.db")
	s1, err := Open(ctx, path)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s1.Close()) })
	s2, err := Open(ctx, path)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s2.Close()) })

	err = s1.Update(ctx, func(tx *Tx) error {
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		err := s2.Update(cancelled, func(*Tx) error { return nil })
		assert.ErrorIs(t, err, context.Canceled)
		return tx.PutEnv(ctx, testEnv("e1"))
	})
	require.NoError(t, err)

	require.NoError(t, s2.SetEnvState(ctx, "e1", store.StateBroken), "the abandoned wait must not keep the lock")
	e, err := s1.Env(ctx, "e1")
	require.NoError(t, err)
	assert.Equal(t, store.StateBroken, e.State)
}
