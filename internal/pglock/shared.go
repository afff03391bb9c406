package pglock

import (
	"bytes"
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Schema creates the table of shared gate state, if missing. It runs
// under a transaction-level advisory lock, so hosts starting together do
// not race to create it.
const Schema = `CREATE TABLE IF NOT EXISTS berth_gate_state (
  scope text NOT NULL,
  name  text NOT NULL,
  value bytea NOT NULL DEFAULT '',
  PRIMARY KEY (scope, name)
)`

// LeaseSchema creates the table that names the lease locks still wanted
// ([LeaseSet]).
const LeaseSchema = `CREATE TABLE IF NOT EXISTS berth_lease_lock (
  scope      text NOT NULL,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  env_id     text NOT NULL DEFAULT '',
  PRIMARY KEY (scope, name)
)`

// EnsureSchema runs [Schema], [LeaseSchema], [ClaimSchema] and [LineSchema] under the
// schema lock.
func EnsureSchema(ctx context.Context, pool *pgxpool.Pool) error {
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", Key("berth", "schema")); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, Schema); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, LeaseSchema); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, ClaimSchema); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, LineSchema); err != nil {
			return err
		}
		// Tables made before env_id was added get it.
		_, err := tx.Exec(ctx, "ALTER TABLE berth_lease_lock ADD COLUMN IF NOT EXISTS env_id text NOT NULL DEFAULT ''")
		return err
	})
	if err != nil {
		return fmt.Errorf("create tables of shared state: %w", err)
	}
	return nil
}

// Shared is one row of shared state (the operation budget, the breaker,
// the adaptive limit's window), read and rewritten in one transaction that
// holds the row's lock: the gate.State contract on PostgreSQL.
type Shared struct {
	Pool  *pgxpool.Pool
	Scope string
	Name  string
}

// Update passes the row's value ("" when there is none) to fn and stores
// what fn returns, holding the row locked (SELECT … FOR UPDATE) from the
// read to the commit. fn runs again when the connection was lost before
// the commit (a database restart).
func (s Shared) Update(ctx context.Context, fn func(old []byte) []byte) error {
	err := withSchema(ctx, s.Pool, func() error {
		if same, err := s.unchanged(ctx, fn); err != nil || same {
			return err
		}
		return s.update(ctx, fn)
	})
	if err != nil {
		return fmt.Errorf("update shared %s: %w", s.Name, err)
	}
	return nil
}

// unchanged reads the row without locking it (one round trip) and reports
// whether fn leaves it as it is: then the update is done, as if it ran at
// the moment of that read (most of the breaker's updates, and every read
// of the adaptive limit). A missing row reads as empty.
func (s Shared) unchanged(ctx context.Context, fn func(old []byte) []byte) (bool, error) {
	var old []byte
	err := onConn(ctx, s.Pool, func(c *pgxpool.Conn) (bool, error) {
		err := c.QueryRow(ctx, "SELECT value FROM berth_gate_state WHERE scope = $1 AND name = $2", s.Scope, s.Name).Scan(&old)
		if isNoRows(err) {
			return false, nil
		}
		return false, err
	})
	if err != nil {
		return false, err
	}
	return bytes.Equal(fn(old), old), nil
}

// update is one transaction in two round trips: BEGIN, the row made if
// missing and read locked, in one batch; then the write (when fn changed
// the value) and COMMIT in another. The state is advisory: its commit does
// not wait for the disk (synchronous_commit off), and a server crash may
// lose its last updates, as a torn state file would. On any error the
// connection is discarded, and with its session the open transaction.
func (s Shared) update(ctx context.Context, fn func(old []byte) []byte) error {
	return onConn(ctx, s.Pool, func(c *pgxpool.Conn) (bool, error) {
		b := &pgx.Batch{}
		b.Queue("BEGIN")
		b.Queue("SET LOCAL synchronous_commit TO off")
		b.Queue("INSERT INTO berth_gate_state (scope, name) VALUES ($1, $2) ON CONFLICT DO NOTHING", s.Scope, s.Name)
		b.Queue("SELECT value FROM berth_gate_state WHERE scope = $1 AND name = $2 FOR UPDATE", s.Scope, s.Name)
		br := c.SendBatch(ctx, b)
		var old []byte
		err := execAll(br, 3)
		if err == nil {
			err = br.QueryRow().Scan(&old)
		}
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return false, err
		}
		next := fn(old)
		if next == nil {
			next = []byte{} // empty, not NULL
		}
		b = &pgx.Batch{}
		if !bytes.Equal(next, old) {
			b.Queue("UPDATE berth_gate_state SET value = $3 WHERE scope = $1 AND name = $2", s.Scope, s.Name, next)
		}
		b.Queue("COMMIT")
		br = c.SendBatch(ctx, b)
		err = execAll(br, b.Len())
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		return false, err
	})
}

// execAll reads the results of the next n statements of a batch.
func execAll(br pgx.BatchResults, n int) error {
	for range n {
		if _, err := br.Exec(); err != nil {
			return err
		}
	}
	return nil
}

// Close does nothing: the state holds no connection of its own.
func (Shared) Close() error { return nil }
