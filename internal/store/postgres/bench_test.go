package postgres_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/postgres"
	"github.com/berth-dev/berth/internal/store/postgres/pgtest"
	"github.com/berth-dev/berth/internal/store/storetest"
)

// BenchmarkOpenExisting measures opening a migrated store (connect, check
// the schema, read the store's facts), as every berth process does before
// its first call.
func BenchmarkOpenExisting(b *testing.B) {
	ctx := context.Background()
	dsn := pgtest.DSN(b)
	daemon := pgtest.DaemonID(b, dsn)
	s, err := postgres.Open(ctx, dsn, daemon, postgres.ConnectOptions{})
	require.NoError(b, err)
	require.NoError(b, s.Close())
	for b.Loop() {
		s, err := postgres.Open(ctx, dsn, daemon, postgres.ConnectOptions{})
		require.NoError(b, err)
		require.NoError(b, s.Close())
	}
}

// BenchmarkStoreOps is the store calls berth makes most (storetest.Bench),
// to compare with the SQLite backend's.
func BenchmarkStoreOps(b *testing.B) {
	dsn := pgtest.DSN(b)
	storetest.Bench(b, func(b *testing.B) store.Store {
		s, err := postgres.Open(context.Background(), dsn, pgtest.DaemonID(b, dsn), postgres.ConnectOptions{})
		require.NoError(b, err)
		return s
	})
}
