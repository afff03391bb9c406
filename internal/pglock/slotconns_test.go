package pglock

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/pglock/pgtest"
)

// More slot takers in one process than its pool has connections leave
// connections for the gate's shared state: the head of the line reads the
// limit and the holders record their latency on the same pool, so a pool
// full of takers would hang them all.
func TestSlotTakersLeaveConnectionsForTheState(t *testing.T) {
	cfg, err := Config(pgtest.DSN(t))
	require.NoError(t, err)
	cfg.MaxConns = 6
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	slots := Slots{Locks: Locks{Pool: pool, Scope: pgtest.Scope(t)}, N: 1}
	held, err := slots.Acquire(context.Background())
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { // before the pool's Close, which waits for every connection
		cancel()
		_ = held()
		wg.Wait()
	})
	for range 8 { // more takers than connections, all waiting for the one slot
		wg.Go(func() {
			if release, err := slots.Acquire(ctx); err == nil {
				_ = release()
			}
		})
	}
	turns := int(cfg.MaxConns) - stateConns
	require.Eventually(t, func() bool { return pool.Stat().AcquiredConns() == int32(turns) },
		5*time.Second, 5*time.Millisecond, "the holder and %d waiter(s) have connections", turns-1)

	qctx, qcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer qcancel()
	var one int
	require.NoError(t, pool.QueryRow(qctx, "SELECT 1").Scan(&one), "the state's query got a connection")
	require.LessOrEqual(t, pool.Stat().AcquiredConns(), int32(turns), "waiters took no more connections meanwhile")

	require.NoError(t, held())
	cancel()
	wg.Wait()
	require.Eventually(t, func() bool { return pool.Stat().AcquiredConns() == 0 },
		5*time.Second, 5*time.Millisecond, "every connection given back")
}
