package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

// TestDeletedStoreFileIsReopened: a store whose file is deleted under it
// (with its journal files) goes on with the file now at its path, the one
// another opener made since, instead of a deleted file nobody else sees.
func TestDeletedStoreFileIsReopened(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "berth.db")
	before, err := Open(ctx, path)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, before.Close()) })
	require.NoError(t, before.PutEnv(ctx, testEnv("old")))
	l, err := before.AddLease(ctx, "old", holder(1), 0, t0)
	require.NoError(t, err)

	files, err := filepath.Glob(path + "*")
	require.NoError(t, err)
	for _, f := range files {
		require.NoError(t, os.Remove(f))
	}
	since, err := Open(ctx, path) // a berth process started after the deletion
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, since.Close()) })
	require.NoError(t, since.PutEnv(ctx, testEnv("new")))

	envs, err := before.Envs(ctx)
	require.NoError(t, err)
	require.Len(t, envs, 1)
	assert.Equal(t, "new", envs[0].ID, "the old process reads the store now at the path")
	_, err = before.ReleaseLease(ctx, l.ID, t0)
	assert.ErrorIs(t, err, store.ErrNotFound, "a lease of the deleted store is not in the new one")
	require.NoError(t, before.PutEnv(ctx, testEnv("from-before")))
	_, err = since.Env(ctx, "from-before")
	assert.NoError(t, err, "the old process's writes reach the other's store")
}

// TestDeletedStoreFileIsMadeAgain: with nobody else making it, the next
// call makes a fresh store file at the path.
func TestDeletedStoreFileIsMadeAgain(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	require.NoError(t, s.PutEnv(ctx, testEnv("old")))
	require.NoError(t, os.Remove(s.path))
	envs, err := s.Envs(ctx)
	require.NoError(t, err)
	assert.Empty(t, envs)
	_, err = os.Stat(s.path)
	assert.NoError(t, err, "the store file is there again")
}
