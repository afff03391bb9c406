package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/postgres"
	"github.com/berth-dev/berth/internal/store/postgres/pgtest"
)

func open(t *testing.T, dsn, daemon string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), dsn, daemon, postgres.ConnectOptions{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestStoreIDIsKeptAndPerDaemon: the ID is chosen once per daemon's
// schema and read back by every later open; another daemon in the same
// database has its own ID and sees none of the first one's state.
func TestStoreIDIsKeptAndPerDaemon(t *testing.T) {
	ctx := t.Context()
	dsn := pgtest.DSN(t)
	d1, d2 := pgtest.DaemonID(t, dsn), pgtest.DaemonID(t, dsn)
	a := open(t, dsn, d1)
	require.Len(t, a.ID(), 24)
	created, err := a.CreatedAt(ctx)
	require.NoError(t, err)
	require.NoError(t, a.PutEnv(ctx, store.Env{ID: "e1", Project: "p", Mode: "shared", State: store.StateReady}))

	again := open(t, dsn, d1)
	assert.Equal(t, a.ID(), again.ID())
	createdAgain, err := again.CreatedAt(ctx)
	require.NoError(t, err)
	assert.True(t, created.Equal(createdAgain))
	assert.Equal(t, postgres.SchemaOf(d1), again.Schema())

	other := open(t, dsn, d2)
	assert.NotEqual(t, a.ID(), other.ID())
	assert.NotEqual(t, a.Schema(), other.Schema())
	envs, err := other.Envs(ctx)
	require.NoError(t, err)
	assert.Empty(t, envs, "one daemon's state is not another's")
	assert.NotEqual(t, a.LockKey("write"), other.LockKey("write"))
	assert.NotEqual(t, a.LockKey("write"), a.LockKey("env/e1"))
}

// TestNewerSchemaRefused: a schema migrated by a newer berth is refused,
// not written to.
func TestNewerSchemaRefused(t *testing.T) {
	ctx := t.Context()
	dsn := pgtest.DSN(t)
	daemon := pgtest.DaemonID(t, dsn)
	s := open(t, dsn, daemon)
	_, err := s.Pool().Exec(ctx, `UPDATE schema_version SET version = version + 1`)
	require.NoError(t, err)
	_, err = postgres.Open(ctx, dsn, daemon, postgres.ConnectOptions{})
	require.ErrorContains(t, err, "newer than this berth knows")
}

// TestUpdateRollsBack: an Update whose function fails leaves nothing.
func TestUpdateRollsBack(t *testing.T) {
	ctx := t.Context()
	dsn := pgtest.DSN(t)
	s := open(t, dsn, pgtest.DaemonID(t, dsn))
	boom := assert.AnError
	err := s.Update(ctx, func(tx *postgres.Tx) error {
		if err := tx.PutEnv(ctx, store.Env{ID: "e1", Project: "p", Mode: "shared", State: store.StateReady}); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	_, err = s.Env(ctx, "e1")
	require.ErrorIs(t, err, store.ErrNotFound)
}

// TestWriteLockSerializesWriters: while another session holds the
// store's write lock, a write waits for it (and a read does not).
func TestWriteLockSerializesWriters(t *testing.T) {
	ctx := t.Context()
	dsn := pgtest.DSN(t)
	s := open(t, dsn, pgtest.DaemonID(t, dsn))
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, s.LockKey("write"))
	require.NoError(t, err)

	_, err = s.Envs(ctx)
	require.NoError(t, err, "reads take no lock")
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	err = s.PutEnv(short, store.Env{ID: "e1", Project: "p", Mode: "shared", State: store.StateReady})
	require.ErrorIs(t, err, context.DeadlineExceeded, "a write waits while the lock is held elsewhere")

	require.NoError(t, tx.Rollback(ctx))
	require.NoError(t, s.PutEnv(ctx, store.Env{ID: "e1", Project: "p", Mode: "shared", State: store.StateReady}))
}
