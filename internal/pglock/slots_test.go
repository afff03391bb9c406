package pglock

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/pglock/pgtest"
)

// Waiters in separate processes get the slot in the order they arrived,
// and a waiter SIGKILLed in the line does not block the ones behind it.
func TestSlotsFirstComeFirstServedAcrossProcesses(t *testing.T) {
	dsn := pgtest.DSN(t)
	scope := pgtest.Scope(t)
	pool := testPool(t, dsn)
	slots := Slots{Locks: Locks{Pool: pool, Scope: scope}, N: 1}
	release, err := slots.Acquire(context.Background())
	require.NoError(t, err)

	order := filepath.Join(t.TempDir(), "order")
	names := []string{"w0", "w1", "w2", "w3", "w4", "w5"}
	procs := map[string]*proc{}
	for i, name := range names {
		procs[name] = start(t, "slot-waiter", "DSN="+dsn, "SCOPE="+scope, "NAME="+name, "SLOTS=1", "ORDER="+order)
		// The next one starts only once this one is in the line.
		require.Eventually(t, func() bool {
			n, err := slots.Waiting(context.Background())
			return err == nil && n == i+1
		}, 10*time.Second, time.Millisecond, "waiter %s never joined the line", name)
	}
	procs["w2"].kill(t) // dies in the line
	require.NoError(t, release())
	for _, name := range names {
		if name != "w2" {
			require.NoError(t, procs[name].wait(), "waiter %s", name)
		}
	}
	b, err := os.ReadFile(order)
	require.NoError(t, err)
	require.Equal(t, []string{"w0", "w1", "w3", "w4", "w5"}, strings.Fields(string(b)))
}

// Waiter processes that join the line in the order w0..w4, for
// operations that arrived at 3, 1, 2, 1 and 0 s (w2 SIGKILLed in the
// line), are served by arrival, the two of arrival 1 in joining order.
func TestSlotsServeEarlierOperationsFirstAcrossProcesses(t *testing.T) {
	dsn := pgtest.DSN(t)
	scope := pgtest.Scope(t)
	pool := testPool(t, dsn)
	slots := Slots{Locks: Locks{Pool: pool, Scope: scope}, N: 1}
	release, err := slots.Acquire(context.Background())
	require.NoError(t, err)

	order := filepath.Join(t.TempDir(), "order")
	base := time.Now().Add(-time.Hour)
	arrivals := map[string]int{"w0": 3, "w1": 1, "w2": 2, "w3": 1, "w4": 0}
	procs := map[string]*proc{}
	for i, name := range []string{"w0", "w1", "w2", "w3", "w4"} {
		at := base.Add(time.Duration(arrivals[name]) * time.Second).UnixNano()
		procs[name] = start(t, "slot-waiter", "DSN="+dsn, "SCOPE="+scope, "NAME="+name, "SLOTS=1", "ORDER="+order,
			fmt.Sprintf("ARRIVAL=%d", at))
		require.Eventually(t, func() bool {
			n, err := slots.Waiting(context.Background())
			return err == nil && n == i+1
		}, 10*time.Second, time.Millisecond, "waiter %s never joined the line", name)
	}
	procs["w2"].kill(t)
	require.NoError(t, release())
	for _, name := range []string{"w0", "w1", "w3", "w4"} {
		require.NoError(t, procs[name].wait(), "waiter %s", name)
	}
	b, err := os.ReadFile(order)
	require.NoError(t, err)
	require.Equal(t, []string{"w4", "w1", "w3", "w0"}, strings.Fields(string(b)))
}

// N slots admit N holders, each holding exactly one lock, and the
// adaptive limit bounds how many of them are used.
func TestSlotsCount(t *testing.T) {
	pool := testPool(t, pgtest.DSN(t))
	scope := pgtest.Scope(t)
	limit := 3
	slots := Slots{Locks: Locks{Pool: pool, Scope: scope}, N: 4, Limit: func() int { return limit }}
	var releases []func() error
	for range 3 {
		r, err := slots.Acquire(context.Background())
		require.NoError(t, err)
		releases = append(releases, r)
	}
	require.Equal(t, 3, heldSlots(t, pool, scope, 4))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := slots.Acquire(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded, "a 4th slot was taken above the limit of 3")

	limit = 4
	r, err := slots.Acquire(context.Background())
	require.NoError(t, err)
	require.Equal(t, 4, heldSlots(t, pool, scope, 4))
	for _, r := range append(releases, r) {
		require.NoError(t, r())
	}
	require.Equal(t, 0, heldSlots(t, pool, scope, 4))
}

// heldSlots counts the granted locks among the n slots of scope, from
// the server's lock table.
func heldSlots(t *testing.T, pool *pgxpool.Pool, scope string, n int) int {
	t.Helper()
	var held int
	err := pool.QueryRow(context.Background(), `SELECT count(*) FROM generate_series(0, $1::int - 1) s,
LATERAL (SELECT hashtextextended($2 || s::text, 0) AS k) h
JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
  AND l.classid = ((h.k >> 32) & 4294967295)::oid AND l.objid = (h.k & 4294967295)::oid`,
		n, slotPrefix(scope, "slot")).Scan(&held)
	require.NoError(t, err)
	return held
}
