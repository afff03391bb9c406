package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// migrations are the schema steps, applied in order inside the daemon's
// schema; the schema_version table holds the number applied. Append new
// steps; never edit or reorder a step that has shipped.
var migrations = []string{
	// 1: everything SQLite's steps 1-5 made, and the store's facts.
	`CREATE TABLE envs (
		id             text PRIMARY KEY,
		project        text NOT NULL,
		mode           text NOT NULL,
		config_hash    text NOT NULL,
		files          text NOT NULL, -- JSON array
		state          text NOT NULL,
		created_at     bigint,        -- Unix ns; NULL = zero time
		ready_at       bigint,
		linger_ns      bigint NOT NULL,
		idle_since     bigint,
		endpoints      text NOT NULL, -- JSON object
		stale_after_ns bigint NOT NULL DEFAULT 0
	);
	CREATE TABLE leases (
		id           text PRIMARY KEY,
		env_id       text NOT NULL REFERENCES envs(id) ON DELETE CASCADE,
		host         text NOT NULL,
		pid          bigint NOT NULL,
		start_time   bigint NOT NULL, -- uint64 stored as its int64 bits
		created_at   bigint,
		heartbeat_at bigint,
		ttl_ns       bigint NOT NULL,
		lock         text NOT NULL DEFAULT ''
	);
	CREATE INDEX leases_env ON leases(env_id);
	CREATE TABLE ops (
		seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- order of recording
		ts          bigint NOT NULL,
		op          text NOT NULL,
		duration_us bigint NOT NULL,
		queued_us   bigint NOT NULL DEFAULT 0,
		error_kind  text NOT NULL,
		retries     integer NOT NULL,
		pid         bigint NOT NULL
	);
	CREATE INDEX ops_ts ON ops(ts);
	CREATE TABLE usage (
		seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		ts       bigint NOT NULL,
		env_id   text NOT NULL,
		kind     text NOT NULL,
		value_ms bigint NOT NULL
	);
	CREATE INDEX usage_ts ON usage(ts);
	CREATE TABLE restarts (
		seq     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		ts      bigint NOT NULL,
		env_id  text NOT NULL,
		service text NOT NULL,
		kind    text NOT NULL, -- done, refused, forced, engine
		reason  text NOT NULL
	);
	-- Unique so one fact seen by several processes is stored once.
	CREATE UNIQUE INDEX restarts_env_service_ts ON restarts(env_id, service, ts, kind);
	CREATE INDEX restarts_ts ON restarts(ts);
	CREATE TABLE events (
		seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		ts           bigint NOT NULL, -- the daemon's event time
		env_id       text NOT NULL,
		service      text NOT NULL,
		container    text NOT NULL,
		action       text NOT NULL,
		exit_code    integer NOT NULL,
		oom_killed   boolean NOT NULL,
		memory_limit bigint NOT NULL
	);
	CREATE UNIQUE INDEX events_key ON events(container, ts, action);
	CREATE INDEX events_env_service_ts ON events(env_id, service, ts);
	CREATE INDEX events_ts ON events(ts);
	CREATE TABLE meta (
		key   text PRIMARY KEY, -- id, created_at (Unix ns), daemon_id
		value text NOT NULL
	);`,
	// 2: scheduled cleanup runs (berth serve), as SQLite's step 6.
	`CREATE TABLE gc_runs (
		seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		ts          bigint NOT NULL,
		mode        text NOT NULL,
		duration_us bigint NOT NULL,
		actions     integer NOT NULL,
		removed     integer NOT NULL,
		torn_down   integer NOT NULL,
		reclaimed   bigint NOT NULL,
		error       text NOT NULL
	);
	CREATE INDEX gc_runs_ts ON gc_runs(ts);`,
	// 3: warm pool targets (internal/pool); pooled copies are envs in
	// state "pooled".
	`CREATE TABLE pools (
		project     text PRIMARY KEY,
		config_hash text NOT NULL,
		size        bigint NOT NULL
	);`,
}

// migrateKey is the advisory lock every process takes to create or
// migrate a schema: one for the whole database, since CREATE SCHEMA races
// with itself.
var migrateKey = lockKey("migrate")

// setup brings the schema to len(migrations) and reads the store's facts.
// A schema already current is only read; otherwise every step runs in one
// transaction under the migration lock (PostgreSQL's DDL is
// transactional: a failed step leaves nothing behind).
func (s *Store) setup(ctx context.Context) error {
	if s.readFacts(ctx) == nil {
		return nil // current: one round trip
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrateKey); err != nil {
			return fmt.Errorf("take the migration lock: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+s.schema+`;
			CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)`); err != nil {
			return fmt.Errorf("create schema: %w", err)
		}
		var v int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		if v > len(migrations) {
			return fmt.Errorf("schema version %d is newer than this berth knows (%d): upgrade berth", v, len(migrations))
		}
		for step := v + 1; step <= len(migrations); step++ {
			if _, err := tx.Exec(ctx, migrations[step-1]); err != nil {
				return fmt.Errorf("migrate schema to version %d: %w", step, err)
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM schema_version`); err != nil {
			return fmt.Errorf("record schema version: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_version (version) VALUES ($1)`, len(migrations)); err != nil {
			return fmt.Errorf("record schema version: %w", err)
		}
		id, err := newStoreID()
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO meta (key, value) VALUES ('id', $1), ('created_at', $2), ('daemon_id', $3)
			ON CONFLICT (key) DO NOTHING`, id, strconv.FormatInt(time.Now().UnixNano(), 10), s.daemonID)
		if err != nil {
			return fmt.Errorf("record the store's ID and creation time: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.readFacts(ctx)
}

// version reads the number of migration steps applied.
func (s *Store) version(ctx context.Context) (int, error) {
	var v int
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

// readFacts reads, in one round trip, the schema version, the store's ID
// and creation time, and checks that the schema is current and belongs to
// the store's daemon.
func (s *Store) readFacts(ctx context.Context) error {
	rows, err := s.pool.Query(ctx, `SELECT key, value FROM meta
		UNION ALL SELECT 'version', coalesce(max(version), 0)::text FROM schema_version`, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return fmt.Errorf("read the store's facts: %w", err)
	}
	facts := map[string]string{}
	var k, v string
	if _, err := pgx.ForEachRow(rows, []any{&k, &v}, func() error { facts[k] = v; return nil }); err != nil {
		return fmt.Errorf("read the store's facts: %w", err)
	}
	if facts["version"] != strconv.Itoa(len(migrations)) {
		return fmt.Errorf("schema version %s, want %d", facts["version"], len(migrations))
	}
	if d := facts["daemon_id"]; d != s.daemonID {
		return fmt.Errorf("schema %s holds the state of daemon %q, not %q", s.schema, d, s.daemonID)
	}
	ns, err := strconv.ParseInt(facts["created_at"], 10, 64)
	if err != nil {
		return fmt.Errorf("read the store's creation time: %w", err)
	}
	if len(facts["id"]) != 24 {
		return errors.New("read the store's ID: malformed or missing")
	}
	s.id, s.createdAt = facts["id"], time.Unix(0, ns).UTC()
	return nil
}

// CreatedAt is when this daemon's schema was created. Resources created
// before it may have been leased in a store that was lost; gc treats them
// with care.
func (s *Store) CreatedAt(ctx context.Context) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, fmt.Errorf("read the store's creation time: %w", err)
	}
	return s.createdAt, nil
}

// newStoreID returns 24 random hex digits (the shape of a state
// directory's ID).
func newStoreID() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make store ID: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
