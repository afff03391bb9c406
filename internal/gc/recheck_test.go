package gc

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/clock"
	"github.com/berth-dev/berth/internal/leases"
	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/proc"
	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/sqlite"
)

// testCollector is a Collector with a store and locks but no daemon
// (Engine is nil: a Docker call would panic): enough for gc's checks under
// the lock, which decide before any Docker call.
func testCollector(t *testing.T) (*Collector, *sqlite.Store, lock.Dir) {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "berth.db"))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	book := &leases.Book{Store: db, Now: time.Now, Host: proc.Host(), Alive: proc.Alive, StartTime: proc.StartTime}
	locks := lock.Dir{Path: dir}
	return &Collector{Store: db, Leases: book, Locks: locks, Clock: clock.Real{}, Log: slog.New(slog.DiscardHandler)}, db, locks
}

// TestRecheckUnderTheLock: what gc finds under the environment's lock
// decides whether its plan still holds.
func TestRecheckUnderTheLock(t *testing.T) {
	ctx := context.Background()
	created := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	idle := created.Add(time.Minute)
	planned := Teardown{Env: "demo-1", Known: true, CreatedAt: created, IdleSince: idle}
	put := func(db *sqlite.Store, c, i time.Time) {
		require.NoError(t, db.PutEnv(ctx, store.Env{ID: "demo-1", Project: "demo", Mode: "shared", State: store.StateReady, CreatedAt: c, IdleSince: i}))
	}
	for _, tc := range []struct {
		name  string
		setup func(*sqlite.Store)
		td    Teardown
		want  string
	}{
		{"unchanged", func(db *sqlite.Store) { put(db, created, idle) }, planned, ""},
		{"gone from the store", func(*sqlite.Store) {}, planned, ""},
		{"used since", func(db *sqlite.Store) { put(db, created, idle.Add(time.Second)) }, planned, "used since the plan was made"},
		{"recreated", func(db *sqlite.Store) { put(db, created.Add(time.Second), time.Time{}) }, planned, "recreated since the plan was made"},
		{"an orphan recorded since", func(db *sqlite.Store) { put(db, created, idle) }, Teardown{Env: "demo-1"}, "recorded in the store since the plan was made"},
		{"an orphan still unknown", func(*sqlite.Store) {}, Teardown{Env: "demo-1"}, ""},
		{"acquired since", func(db *sqlite.Store) {
			put(db, created, idle)
			h := store.Holder{Host: proc.Host(), PID: os.Getpid(), StartTime: mustStart(t)} // this test process: live
			_, err := db.AddLease(ctx, "demo-1", h, 0, time.Now())
			require.NoError(t, err)
		}, planned, "acquired since the plan was made: 1 live lease(s)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, db, _ := testCollector(t)
			tc.setup(db)
			why, err := c.Recheck(ctx, tc.td)
			require.NoError(t, err)
			assert.Equal(t, tc.want, why)
		})
	}
}

// TestSkipsAnEnvironmentWhoseLockIsHeld: a teardown whose environment
// lock another holder has is skipped whole, before any Docker call (this
// Manager has no daemon connection: a call would panic).
func TestSkipsAnEnvironmentWhoseLockIsHeld(t *testing.T) {
	ctx := context.Background()
	c, _, locks := testCollector(t)
	unlock, err := locks.Acquire(ctx, lock.EnvName("demo-1"))
	require.NoError(t, err)
	defer unlock()
	p := Plan{Teardowns: []Teardown{{Env: "demo-1"}}, Actions: []Action{
		{Kind: KindContainer, ID: "c1", Env: "demo-1"},
		{Kind: KindNetwork, ID: "n1", Env: "demo-1"},
	}}
	results, tornDown, errs := c.execute(ctx, p)
	assert.Empty(t, errs)
	assert.Empty(t, tornDown)
	for _, r := range results {
		assert.Equal(t, Skipped, r.Outcome)
		assert.Equal(t, "its lock is held: being acquired", r.Detail)
	}
}

func mustStart(t *testing.T) uint64 {
	t.Helper()
	start, err := proc.StartTime(os.Getpid())
	require.NoError(t, err)
	return start
}
