package pglock

import (
	"context"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
)

// stateConns is how many of a pool's connections slot takers leave free:
// the gate's shared state (budget, limit, breaker) and the other locks
// run on the same pool, and a slot's head of line and its holders use it
// (the limit read at every try, a call's latency recorded) while their
// own connections wait or hold. Were every connection a slot taker's, the
// head and the holders would wait for a connection that none of them
// gives back: one process with as many mutating calls at once as the
// pool has connections (the creates of a 16-service stack) would hang.
const stateConns = 4

// slotConns hands out, per pool, the connections slot takers may hold at
// once, waiting in line or holding a slot: the pool's size less
// [stateConns], at least one. Further takers wait in the process, before
// taking a connection, in arrival order among themselves.
var slotConns sync.Map // *pgxpool.Pool -> chan struct{}

// slotTurn waits until pool has a connection to spare for a slot taker
// and returns the function that gives it back.
func slotTurn(ctx context.Context, pool *pgxpool.Pool) (done func(), err error) {
	v, ok := slotConns.Load(pool)
	if !ok {
		n := max(1, int(pool.Config().MaxConns)-stateConns)
		v, _ = slotConns.LoadOrStore(pool, make(chan struct{}, n))
	}
	turns := v.(chan struct{})
	select {
	case turns <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() { once.Do(func() { <-turns }) }, nil
}
