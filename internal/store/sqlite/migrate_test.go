package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

// TestMigrateVersion1FileToCurrent writes a store file exactly as a
// berth with only migration step 1 left it, with an environment in it,
// and opens it: the schema moves to the current version and the data stays.
func TestMigrateVersion1FileToCurrent(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "berth.db")
	db, err := sql.Open("sqlite", dsn(path))
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `PRAGMA journal_mode = WAL`)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, migrations[0])
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `PRAGMA user_version = 1`)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `INSERT INTO envs (id, project, mode, config_hash, files, state, linger_ns, endpoints)
		VALUES ('old', 'demo', 'shared', 'h', '[]', 'ready', 0, '{}')`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	s, err := Open(ctx, path)
	if s != nil {
		t.Cleanup(func() { require.NoError(t, s.Close()) })
	}
	require.NoError(t, err)
	tx, err := s.read(ctx)
	require.NoError(t, err)
	v, err := tx.version(ctx)
	require.NoError(t, err)
	assert.Equal(t, len(migrations), v)
	e, err := s.Env(ctx, "old")
	require.NoError(t, err)
	assert.Equal(t, "demo", e.Project)
	assert.Zero(t, e.StaleAfter, "an old environment has no stale age of its own")
	created, err := s.CreatedAt(ctx)
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now(), created, time.Minute, "an old store counts as created when it was upgraded")

	require.NoError(t, s.RecordRestart(ctx, store.RestartRecord{Time: t0, EnvID: "old", Service: "db", Kind: store.RestartDone}))
	require.NoError(t, s.RecordEvent(ctx, store.EventRecord{Time: t0, EnvID: "old", Service: "db", Container: "c1", Action: "die", ExitCode: 3}))
	rs, err := s.AllRestarts(ctx, time.Time{})
	require.NoError(t, err)
	assert.Len(t, rs, 1)
	evs, err := s.EventsSince(ctx, time.Time{})
	require.NoError(t, err)
	assert.Len(t, evs, 1)

	var indexes []string
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('restarts', 'events') ORDER BY name`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		indexes = append(indexes, name)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []string{"events_env_service_ts", "events_key", "events_ts", "restarts_env_service_ts", "restarts_ts"}, indexes)
}

// TestOpenOfASetUpStoreOnlyReads: once a store is set up, opening it takes
// no write lock (the warm path of every command opens the store): it opens
// while another process holds the write lock.
func TestOpenOfASetUpStoreOnlyReads(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "berth.db")
	s, err := Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	release, err := writeLock{path: path + ".lock"}.acquire(ctx)
	require.NoError(t, err)
	defer release()
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	s, err = Open(short, path)
	require.NoError(t, err, "opened without the write lock")
	require.NoError(t, s.Close())

	// A store left at an older version still migrates (under the lock).
	release()
	db, err := sql.Open("sqlite", dsn(path))
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `DROP TABLE pools; PRAGMA user_version = 6`)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	s, err = Open(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	tx, err := s.read(ctx)
	require.NoError(t, err)
	v, err := tx.version(ctx)
	require.NoError(t, err)
	assert.Equal(t, len(migrations), v)
}
