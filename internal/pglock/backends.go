package pglock

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/berth-dev/berth/internal/gate"
)

// Backends are one process's locks and shared gate state in the
// PostgreSQL database BERTH_STORE names. Open makes them without
// connecting: the pool connects on first use, so a database that does not
// answer is reported by the first command that needs it.
type Backends struct {
	Pool *pgxpool.Pool
	DSN  string
	// Fence watches the environment locks ([Backends.Locks]) and, through
	// the gate ([Backends.Gate]), refuses mutating calls while one is lost.
	Fence *Fence
}

// Open parses dsn and prepares the pool (no connection yet).
func Open(dsn string) (*Backends, error) {
	cfg, err := Config(dsn)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return &Backends{Pool: pool, DSN: dsn, Fence: &Fence{}}, nil
}

// Gate is the gate's shared backend ([gate.Backend]).
func (b *Backends) Gate() gate.Backend { return Gate{Pool: b.Pool, Fence: b.Fence} }

// Locks are the environment locks of state (the state's ID: every host
// sharing the store shares them).
func (b *Backends) Locks(state string) Locks {
	return Locks{Pool: b.Pool, Scope: "state:" + state, Fence: b.Fence}
}

// Leases are the lease locks of state.
func (b *Backends) Leases(state string) LeaseSet {
	return LeaseSet{Leases: LeaseLocks{Pool: b.Pool, Scope: "state:" + state}, DSN: b.DSN}
}

// Claims are the memory claims of state ([Claims]).
func (b *Backends) Claims(state string) Claims { return Claims{Pool: b.Pool, Scope: "state:" + state} }

// Close closes the pool; locks still held on it are released.
func (b *Backends) Close() { b.Pool.Close() }

// withSchema runs fn, and when it fails because a table or column of this
// package is missing (a new database, or one made by an older berth),
// makes them and runs fn again.
func withSchema(ctx context.Context, pool *pgxpool.Pool, fn func() error) error {
	err := fn()
	var pgErr *pgconn.PgError
	if err == nil || !errors.As(err, &pgErr) || (pgErr.Code != "42P01" && pgErr.Code != "42703") { // undefined table or column
		return err
	}
	if err := EnsureSchema(ctx, pool); err != nil {
		return err
	}
	return fn()
}
