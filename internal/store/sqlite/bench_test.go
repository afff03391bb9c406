package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/storetest"
)

// BenchmarkOpenExisting measures opening a migrated store, as every berth
// process does before its first call.
func BenchmarkOpenExisting(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "berth.db")
	s, err := Open(ctx, path)
	require.NoError(b, err)
	require.NoError(b, s.Close())
	for b.Loop() {
		s, err := Open(ctx, path)
		require.NoError(b, err)
		require.NoError(b, s.Close())
	}
}

// BenchmarkAddRelease measures one AddLease + ReleaseLease cycle.
func BenchmarkAddRelease(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "berth.db"))
	require.NoError(b, err)
	b.Cleanup(func() { require.NoError(b, s.Close()) })
	require.NoError(b, s.PutEnv(ctx, testEnv("e1")))
	for b.Loop() {
		l, err := s.AddLease(ctx, "e1", holder(1), 0, time.Now())
		require.NoError(b, err)
		_, err = s.ReleaseLease(ctx, l.ID, time.Now())
		require.NoError(b, err)
	}
}

// BenchmarkStoreOps is the store calls berth makes most (storetest.Bench),
// to compare with the PostgreSQL backend's.
func BenchmarkStoreOps(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store {
		s, err := Open(context.Background(), filepath.Join(b.TempDir(), "berth.db"))
		require.NoError(b, err)
		return s
	})
}
