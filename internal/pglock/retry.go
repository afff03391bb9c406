package pglock

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

// connAttempts is how many pooled connections a statement is tried on.
const connAttempts = 3

// onConn runs fn on a pooled connection. When fn fails and leaves the
// connection closed, and ctx has not ended, the session is gone (a
// database restart ended it while it sat idle in the pool): nothing it
// held or did survives, so fn is tried again on another connection. On
// success keep says whether fn's connection stays with the caller (it
// holds a lock on it); otherwise it goes back to the pool.
func onConn(ctx context.Context, pool *pgxpool.Pool, fn func(c *pgxpool.Conn) (keep bool, err error)) error {
	var err error
	for range connAttempts {
		var c *pgxpool.Conn
		c, err = pool.Acquire(ctx)
		if err != nil {
			return err
		}
		var keep bool
		keep, err = fn(c)
		if err == nil {
			if !keep {
				c.Release()
			}
			return nil
		}
		closed := c.Conn().IsClosed()
		discard(c) // it may hold a lock granted as its wait was cut short
		if !closed || ctx.Err() != nil {
			return err
		}
	}
	return err
}
