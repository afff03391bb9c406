package pglock

import (
	"context"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/berth-dev/berth/internal/lock"
)

// ClaimSchema creates the table of memory claims ([Claims]).
const ClaimSchema = `CREATE TABLE IF NOT EXISTS berth_memory_claim (
  scope  text NOT NULL,
  name   text NOT NULL,
  amount bigint NOT NULL,
  PRIMARY KEY (scope, name)
)`

// Claims is lock.Claims across hosts: a set of named amounts (memory
// reserved by environments being created) in one scope. A claim counts
// while its claimant holds the claim's advisory lock, on a connection it
// keeps for as long as the claim lasts, and is gone when the claimant lets
// go or its session ends (it died, or its host vanished). Deciding and
// claiming are one step: [Claims.Claim] runs fits under the set's own
// advisory lock, with the amounts of the others' live claims.
type Claims struct {
	Pool  *pgxpool.Pool
	Scope string
}

// Claim decides, under the set's lock, whether name may claim amount given
// the others' live claims, and when fits says so records the claim and
// holds it until release is called (or the session ends).
func (c Claims) Claim(ctx context.Context, name string, amount int64,
	fits func(others []lock.Claimed) (bool, error)) (release func(), ok bool, err error) {
	err = withSchema(ctx, c.Pool, func() error {
		return onConn(ctx, c.Pool, func(conn *pgxpool.Conn) (bool, error) {
			release, ok, err = c.claimOn(ctx, conn, name, amount, fits)
			return ok, err
		})
	})
	if err != nil {
		return nil, false, fmt.Errorf("claim %s: %w", name, err)
	}
	return release, ok, nil
}

func (c Claims) claimOn(ctx context.Context, conn *pgxpool.Conn, name string, amount int64,
	fits func([]lock.Claimed) (bool, error)) (release func(), ok bool, err error) {
	set := Key(c.Scope, "claims")
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", set); err != nil {
		return nil, false, err
	}
	unlockSet := func() error {
		_, err := conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", set)
		return err
	}
	others, err := c.live(ctx, conn)
	if err == nil {
		ok, err = fits(others)
	}
	if err != nil || !ok {
		if uerr := unlockSet(); err == nil {
			err = uerr
		}
		return nil, false, err
	}
	key := Key(c.Scope, "claim-"+name)
	var held bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&held); err != nil {
		return nil, false, err
	}
	if !held {
		return nil, false, fmt.Errorf("already held by another process")
	}
	if _, err := conn.Exec(ctx, `INSERT INTO berth_memory_claim (scope, name, amount) VALUES ($1, $2, $3)
ON CONFLICT (scope, name) DO UPDATE SET amount = excluded.amount`, c.Scope, name, amount); err != nil {
		return nil, false, err
	}
	if err := unlockSet(); err != nil {
		return nil, false, err
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), tryTimeout)
			defer cancel()
			// The amount goes first; a reader finding it without a held
			// lock drops it as stale anyway.
			_, _ = conn.Exec(ctx, "DELETE FROM berth_memory_claim WHERE scope = $1 AND name = $2", c.Scope, name)
			unlocker(conn, "SELECT pg_advisory_unlock($1)", key)()
		})
	}, true, nil
}

// live lists the claims whose lock is held, deleting the rows of claims
// whose claimant let go or died. The caller holds the set's lock.
func (c Claims) live(ctx context.Context, conn *pgxpool.Conn) ([]lock.Claimed, error) {
	rows, err := conn.Query(ctx, "SELECT name, amount FROM berth_memory_claim WHERE scope = $1", c.Scope)
	if err != nil {
		return nil, err
	}
	all, err := pgx.CollectRows(rows, pgx.RowToStructByPos[lock.Claimed])
	if err != nil {
		return nil, err
	}
	var out []lock.Claimed
	for _, cl := range all {
		var held bool
		err := conn.QueryRow(ctx, `SELECT CASE WHEN pg_try_advisory_lock_shared($1)
  THEN NOT pg_advisory_unlock_shared($1) ELSE true END`, Key(c.Scope, "claim-"+cl.Name)).Scan(&held)
		if err != nil {
			return nil, err
		}
		if held {
			out = append(out, cl)
			continue
		}
		if _, err := conn.Exec(ctx, "DELETE FROM berth_memory_claim WHERE scope = $1 AND name = $2", c.Scope, cl.Name); err != nil {
			return nil, err
		}
	}
	return out, nil
}
