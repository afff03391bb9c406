package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// migrations are the schema steps, applied in order; the database's
// PRAGMA user_version is the number of steps applied. Append new steps
// (new tables for later features go in new steps); never edit or reorder
// a step that has shipped.
var migrations = []string{
	// 1: environments, leases, op and usage records.
	`CREATE TABLE envs (
		id          TEXT PRIMARY KEY,
		project     TEXT NOT NULL,
		mode        TEXT NOT NULL,
		config_hash TEXT NOT NULL,
		files       TEXT NOT NULL, -- JSON array
		state       TEXT NOT NULL,
		created_at  INTEGER,       -- Unix ns; NULL = zero time
		ready_at    INTEGER,
		linger_ns   INTEGER NOT NULL,
		idle_since  INTEGER,
		endpoints   TEXT NOT NULL  -- JSON object
	) STRICT;
	CREATE TABLE leases (
		id           TEXT PRIMARY KEY,
		env_id       TEXT NOT NULL REFERENCES envs(id) ON DELETE CASCADE,
		host         TEXT NOT NULL,
		pid          INTEGER NOT NULL,
		start_time   INTEGER NOT NULL, -- uint64 stored as its int64 bits
		created_at   INTEGER,
		heartbeat_at INTEGER,
		ttl_ns       INTEGER NOT NULL
	) STRICT;
	CREATE INDEX leases_env ON leases(env_id);
	CREATE TABLE ops (
		ts          INTEGER NOT NULL,
		op          TEXT NOT NULL,
		duration_us INTEGER NOT NULL,
		error_kind  TEXT NOT NULL,
		retries     INTEGER NOT NULL,
		pid         INTEGER NOT NULL
	) STRICT;
	CREATE INDEX ops_ts ON ops(ts);
	CREATE TABLE usage (
		ts       INTEGER NOT NULL,
		env_id   TEXT NOT NULL,
		kind     TEXT NOT NULL,
		value_ms INTEGER NOT NULL
	) STRICT;
	CREATE INDEX usage_ts ON usage(ts);`,
	// 2: restart history and container events (storm protection).
	`CREATE TABLE restarts (
		ts      INTEGER NOT NULL, -- Unix ns
		env_id  TEXT NOT NULL,
		service TEXT NOT NULL,
		kind    TEXT NOT NULL,    -- done, refused, forced, engine
		reason  TEXT NOT NULL
	) STRICT;
	-- Unique so that one fact seen by several processes (an engine restart
	-- each watcher records) is stored once; it is also the
	-- (env_id, service, ts) index.
	CREATE UNIQUE INDEX restarts_env_service_ts ON restarts(env_id, service, ts, kind);
	CREATE INDEX restarts_ts ON restarts(ts);
	CREATE TABLE events (
		ts           INTEGER NOT NULL, -- Unix ns, the daemon's event time
		env_id       TEXT NOT NULL,
		service      TEXT NOT NULL,
		container    TEXT NOT NULL,
		action       TEXT NOT NULL,
		exit_code    INTEGER NOT NULL,
		oom_killed   INTEGER NOT NULL, -- 0 or 1
		memory_limit INTEGER NOT NULL  -- bytes; 0 = none or unknown
	) STRICT;
	CREATE UNIQUE INDEX events_key ON events(container, ts, action);
	CREATE INDEX events_env_service_ts ON events(env_id, service, ts);
	CREATE INDEX events_ts ON events(ts);`,
	// 3: per-environment stale age (x-berth.stale_after) and the store's
	// own facts (when it was created: gc tells an orphan the store lost from
	// one it never knew).
	`ALTER TABLE envs ADD COLUMN stale_after_ns INTEGER NOT NULL DEFAULT 0;
	CREATE TABLE meta (
		key   TEXT PRIMARY KEY,
		value INTEGER NOT NULL
	) STRICT;`,
	// 4: the lease's lock file (liveness by a held lock, internal/leases).
	`ALTER TABLE leases ADD COLUMN lock TEXT NOT NULL DEFAULT '';`,
	// 5: how long each op waited in the gate before its last attempt
	// reached the daemon (breaker, budget, slot), so the span a call spent
	// at the daemon is known (berth stress).
	`ALTER TABLE ops ADD COLUMN queued_us INTEGER NOT NULL DEFAULT 0;`,
	// 6: scheduled cleanup runs (berth serve): when, in which mode, what
	// they removed and reclaimed.
	`CREATE TABLE gc_runs (
		ts           INTEGER NOT NULL, -- Unix ns, the run's start
		mode         TEXT NOT NULL,
		duration_us  INTEGER NOT NULL,
		actions      INTEGER NOT NULL,
		removed      INTEGER NOT NULL,
		torn_down    INTEGER NOT NULL,
		reclaimed    INTEGER NOT NULL, -- bytes
		error        TEXT NOT NULL
	) STRICT;
	CREATE INDEX gc_runs_ts ON gc_runs(ts);`,
	// 7: warm pool targets (internal/pool); pooled copies are envs in
	// state "pooled".
	`CREATE TABLE pools (
		project     TEXT PRIMARY KEY,
		config_hash TEXT NOT NULL,
		size        INTEGER NOT NULL
	) STRICT;`,
}

// setup puts the file in WAL mode and brings the schema to
// len(migrations), each step in its own transaction. It holds the write
// lock throughout, so processes opening one new store at once never race
// to change its journal mode (SQLite can answer that race with SQLITE_BUSY
// at once, without waiting) or to migrate it.
//
// A store set up already is only read: the journal mode, the schema
// version and the creation record, without the write lock and without a
// write (the warm path of every command opens the store).
func (s *Store) setup(ctx context.Context, db *sql.DB) error {
	if isSetUp(ctx, db) {
		return nil
	}
	release, err := s.write.acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
		return fmt.Errorf("switch to WAL mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("switch to WAL mode: journal mode is still %q", mode)
	}
	v, err := (&Tx{q: db}).version(ctx)
	if err != nil {
		return err
	}
	if v > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this berth knows (%d): upgrade berth", v, len(migrations))
	}
	for step := v + 1; step <= len(migrations); step++ {
		err := inTx(ctx, db, func(tx *Tx) error {
			if _, err := tx.q.ExecContext(ctx, migrations[step-1]); err != nil {
				return err
			}
			_, err := tx.q.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", step))
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate schema to version %d: %w", step, err)
		}
	}
	// A store made before this fact was kept counts as created now: later
	// than it was, which only makes gc more careful.
	return inTx(ctx, db, func(tx *Tx) error {
		_, err := tx.q.ExecContext(ctx, `INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at', ?)`, time.Now().UnixNano())
		if err != nil {
			return fmt.Errorf("record the store's creation time: %w", err)
		}
		return nil
	})
}

// CreatedAt is when this store file was created (for a store older than
// the record of it: when it was first opened by a berth that keeps it).
// Resources created before it may have been leased in a store that was
// lost; gc treats them with care.
func (s *Store) CreatedAt(ctx context.Context) (time.Time, error) {
	var ns int64
	tx, err := s.read(ctx)
	if err != nil {
		return time.Time{}, err
	}
	if err := tx.q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'created_at'`).Scan(&ns); err != nil {
		return time.Time{}, fmt.Errorf("read the store's creation time: %w", err)
	}
	return time.Unix(0, ns).UTC(), nil
}

// version reads the number of migration steps applied.
func (tx *Tx) version(ctx context.Context) (int, error) {
	var v int
	if err := tx.q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

// isSetUp reports whether the store is in WAL mode at the current schema
// version with its creation time recorded; any error says no (setup then
// does it the full way, and reports).
func isSetUp(ctx context.Context, db *sql.DB) bool {
	var mode string
	var n int
	if db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode) != nil || !strings.EqualFold(mode, "wal") {
		return false
	}
	v, err := (&Tx{q: db}).version(ctx)
	if err != nil || v != len(migrations) {
		return false
	}
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM meta WHERE key = 'created_at'`).Scan(&n)
	return err == nil && n == 1
}
