package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpenCreatesSchema(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "state", "daemon")
	path := filepath.Join(dir, "berth.db")
	s, err := Open(ctx, path)
	t.Cleanup(func() {
		if s != nil {
			require.NoError(t, s.Close())
		}
	})
	require.NoError(t, err)

	tx, err := s.read(ctx)
	require.NoError(t, err)
	v, err := tx.version(ctx)
	require.NoError(t, err)
	assert.Equal(t, len(migrations), v)

	var tables []string
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		tables = append(tables, name)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []string{"envs", "events", "gc_runs", "leases", "meta", "ops", "pools", "restarts", "usage"}, tables)

	var mode string
	require.NoError(t, s.db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode))
	assert.Equal(t, "wal", mode)
	var fk, busy int
	require.NoError(t, s.db.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk))
	assert.Equal(t, 1, fk)
	require.NoError(t, s.db.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy))
	assert.Equal(t, busyTimeoutMS, busy)

	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
		di, err := os.Stat(dir)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o700), di.Mode().Perm())
		wal, err := os.Stat(path + "-wal")
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), wal.Mode().Perm())
	}
}

func TestReopenIsIdempotent(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "berth.db")
	s, err := Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, s.PutEnv(ctx, testEnv("e1")))
	require.NoError(t, s.Close())

	for range 2 {
		s, err = Open(ctx, path)
		require.NoError(t, err)
		tx, err := s.read(ctx)
		require.NoError(t, err)
		v, err := tx.version(ctx)
		require.NoError(t, err)
		assert.Equal(t, len(migrations), v)
		e, err := s.Env(ctx, "e1")
		require.NoError(t, err)
		assert.Equal(t, "demo", e.Project)
		require.NoError(t, s.Close())
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "berth.db")
	s, err := Open(ctx, path)
	require.NoError(t, err)
	_, err = s.db.ExecContext(ctx, `PRAGMA user_version = 999`)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	s, err = Open(ctx, path)
	if s != nil {
		_ = s.Close()
	}
	require.ErrorContains(t, err, "upgrade berth")
}

func TestOpenRefusesQuestionMark(t *testing.T) {
	_, err := Open(context.Background(), filepath.Join(t.TempDir(), "a?b.db"))
	require.ErrorContains(t, err, "'?'")
}

// TestUpdateTakesWriteLockAtBegin checks that a transaction holds the
// write lock before its first statement (BEGIN IMMEDIATE): another
// connection that will not wait cannot begin a write meanwhile.
func TestUpdateTakesWriteLockAtBegin(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "berth.db")
	s, err := Open(ctx, path)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })

	other, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(0)&_txlock=immediate")
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, other.Close()) })

	err = s.Update(ctx, func(*Tx) error {
		tx, err := other.BeginTx(ctx, nil)
		if err == nil {
			_ = tx.Rollback()
			return errors.New("second writer began while the first held its transaction")
		}
		assert.ErrorContains(t, err, "locked")
		return nil
	})
	require.NoError(t, err)

	tx, err := other.BeginTx(ctx, nil)
	require.NoError(t, err, "the lock is free after the transaction")
	require.NoError(t, tx.Rollback())
}

// TestCreatedAtIsKeptAcrossOpens: the store's creation time is written once
// and read back unchanged by every later open.
func TestCreatedAtIsKeptAcrossOpens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "berth.db")
	before := time.Now()
	s, err := Open(ctx, path)
	require.NoError(t, err)
	first, err := s.CreatedAt(ctx)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	assert.False(t, first.Before(before.Add(-time.Second)), "created %v, opened at %v", first, before)

	s, err = Open(ctx, path)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	again, err := s.CreatedAt(ctx)
	require.NoError(t, err)
	assert.True(t, first.Equal(again), "first %v, again %v", first, again)
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
