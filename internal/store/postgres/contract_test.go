package postgres_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/postgres"
	"github.com/berth-dev/berth/internal/store/postgres/pgtest"
	"github.com/berth-dev/berth/internal/store/storetest"
)

// TestContract runs the store contract suite on PostgreSQL, each subtest
// in a schema of its own (a daemon of its own).
func TestContract(t *testing.T) {
	dsn := pgtest.DSN(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := postgres.Open(t.Context(), dsn, pgtest.DaemonID(t, dsn), postgres.ConnectOptions{})
		require.NoError(t, err)
		return s
	})
}
