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
  PRIMARY KEY (scope, name)
)`

// EnsureSchema runs [Schema] and [LeaseSchema] under the schema lock.
func EnsureSchema(ctx context.Context, pool *pgxpool.Pool) error {
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", Key("berth", "schema")); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, Schema); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, LeaseSchema)
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
	err := withSchema(ctx, s.Pool, func() error { return s.update(ctx, fn) })
	if err != nil {
		return fmt.Errorf("update shared %s: %w", s.Name, err)
	}
	return nil
}

func (s Shared) update(ctx context.Context, fn func(old []byte) []byte) error {
	return onConn(ctx, s.Pool, func(c *pgxpool.Conn) (bool, error) {
		return false, pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
			var old []byte
			err := tx.QueryRow(ctx, "SELECT value FROM berth_gate_state WHERE scope = $1 AND name = $2 FOR UPDATE",
				s.Scope, s.Name).Scan(&old)
			if isNoRows(err) {
				// The first writer makes the row; one racing it waits for
				// its commit, then finds the row and locks it.
				if _, err := tx.Exec(ctx, "INSERT INTO berth_gate_state (scope, name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
					s.Scope, s.Name); err != nil {
					return err
				}
				err = tx.QueryRow(ctx, "SELECT value FROM berth_gate_state WHERE scope = $1 AND name = $2 FOR UPDATE",
					s.Scope, s.Name).Scan(&old)
			}
			if err != nil {
				return err
			}
			next := fn(old)
			if bytes.Equal(next, old) {
				return nil
			}
			_, err = tx.Exec(ctx, "UPDATE berth_gate_state SET value = $3 WHERE scope = $1 AND name = $2",
				s.Scope, s.Name, next)
			return err
		})
	})
}

// Close does nothing: the state holds no connection of its own.
func (Shared) Close() error { return nil }
