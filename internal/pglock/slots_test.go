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

// heldSlot is one slot in a fresh scope, which the test holds.
func heldSlot(t *testing.T) (slots Slots, dsn string, release func() error) {
	dsn = pgtest.DSN(t)
	slots = Slots{Locks: Locks{Pool: testPool(t, dsn), Scope: pgtest.Scope(t)}, N: 1}
	release, err := slots.Acquire(context.Background())
	require.NoError(t, err)
	return slots, dsn, release
}

// queueWaiters starts slot-waiter processes on slots, one after another,
// each once the one before is in the line (so their joining order is
// known), those named in arrivals for operations that arrived then.
func queueWaiters(t *testing.T, slots Slots, dsn, order string, arrivals map[string]time.Time, names ...string) map[string]*proc {
	t.Helper()
	procs := map[string]*proc{}
	for i, name := range names {
		env := []string{"DSN=" + dsn, "SCOPE=" + slots.Locks.Scope, "NAME=" + name, "SLOTS=1", "ORDER=" + order}
		if a, ok := arrivals[name]; ok {
			env = append(env, fmt.Sprintf("ARRIVAL=%d", a.UnixNano()))
		}
		procs[name] = start(t, "slot-waiter", env...)
		require.Eventually(t, func() bool {
			n, err := slots.Waiting(context.Background())
			return err == nil && n == i+1
		}, 10*time.Second, time.Millisecond, "waiter %s never joined the line", name)
	}
	return procs
}

// Waiters in separate processes get the slot in the order they arrived,
// and a waiter SIGKILLed in the line does not block the ones behind it.
func TestSlotsFirstComeFirstServedAcrossProcesses(t *testing.T) {
	slots, dsn, release := heldSlot(t)

	order := filepath.Join(t.TempDir(), "order")
	names := []string{"w0", "w1", "w2", "w3", "w4", "w5"}
	procs := queueWaiters(t, slots, dsn, order, nil, names...)
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
	slots, dsn, release := heldSlot(t)

	order := filepath.Join(t.TempDir(), "order")
	base := time.Now().Add(-time.Hour)
	arrivals := map[string]time.Time{}
	for name, sec := range map[string]int{"w0": 3, "w1": 1, "w2": 2, "w3": 1, "w4": 0} {
		arrivals[name] = base.Add(time.Duration(sec) * time.Second)
	}
	procs := queueWaiters(t, slots, dsn, order, arrivals, "w0", "w1", "w2", "w3", "w4")
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
