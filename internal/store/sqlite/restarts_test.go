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

func TestRestartsRoundTripAndFilter(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	recs := []store.RestartRecord{
		{Time: t0.Add(2 * time.Second).UTC(), EnvID: "e1", Service: "db", Kind: store.RestartDone, Reason: ""},
		{Time: t0.UTC(), EnvID: "e1", Service: "db", Kind: store.RestartEngine, Reason: "restart policy"},
		{Time: t0.Add(time.Second).UTC(), EnvID: "e1", Service: "web", Kind: store.RestartForced, Reason: "forced"},
		{Time: t0.Add(3 * time.Second).UTC(), EnvID: "e2", Service: "db", Kind: store.RestartRefused, Reason: "cooldown: last restart 1s ago, cooldown 30s"},
	}
	for _, r := range recs {
		require.NoError(t, s.RecordRestart(ctx, r))
	}

	got, err := s.Restarts(ctx, "e1", "db", time.Time{})
	require.NoError(t, err)
	assert.Equal(t, []store.RestartRecord{recs[1], recs[0]}, got, "oldest first, only e1/db")

	got, err = s.Restarts(ctx, "e1", "db", t0.Add(2*time.Second))
	require.NoError(t, err)
	assert.Equal(t, []store.RestartRecord{recs[0]}, got, "since is inclusive")

	all, err := s.AllRestarts(ctx, t0.Add(time.Second))
	require.NoError(t, err)
	assert.Equal(t, []store.RestartRecord{recs[2], recs[0], recs[3]}, all)

	none, err := s.Restarts(ctx, "e9", "db", time.Time{})
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestRecordRestartStoresOneFactOnce(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	r := store.RestartRecord{Time: t0, EnvID: "e1", Service: "db", Kind: store.RestartEngine, Reason: "seen by watcher 1"}
	require.NoError(t, s.RecordRestart(ctx, r))
	r.Reason = "seen by watcher 2"
	require.NoError(t, s.RecordRestart(ctx, r))
	r.Kind = store.RestartRefused // another fact at the same time
	require.NoError(t, s.RecordRestart(ctx, r))
	got, err := s.Restarts(ctx, "e1", "db", time.Time{})
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "seen by watcher 1", got[0].Reason)
}

// TestRestartsInsideTx reads the history and records a decision in one
// transaction, as the restart command does under the environment's lock.
func TestRestartsInsideTx(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	require.NoError(t, s.RecordRestart(ctx, store.RestartRecord{Time: t0, EnvID: "e1", Service: "db", Kind: store.RestartDone}))
	err := s.Update(ctx, func(tx *Tx) error {
		h, err := tx.Restarts(ctx, "e1", "db", time.Time{})
		if err != nil {
			return err
		}
		all, err := tx.AllRestarts(ctx, time.Time{})
		if err != nil {
			return err
		}
		require.Len(t, h, 1)
		require.Len(t, all, 1)
		return tx.RecordRestart(ctx, store.RestartRecord{Time: t0.Add(time.Second), EnvID: "e1", Service: "db", Kind: store.RestartRefused, Reason: "cooldown"})
	})
	require.NoError(t, err)
	got, err := s.Restarts(ctx, "e1", "db", time.Time{})
	require.NoError(t, err)
	assert.Len(t, got, 2)
}

// TestMigrateVersion1FileToVersion2 writes a store file exactly as a
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
	v, err := s.read().version(ctx)
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
