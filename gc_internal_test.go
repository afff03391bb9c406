package berth

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/gc"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/proc"
	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/sqlite"
)

// gcTestManager is a Manager with a store and locks but no daemon: enough
// for gc's checks under the lock, which decide before any Docker call.
func gcTestManager(t *testing.T) (*Manager, *sqlite.Store, lock.Dir) {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "berth.db"))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return &Manager{log: slog.New(slog.DiscardHandler), host: proc.Host(), now: time.Now}, db, lock.Dir{Path: dir}
}

// TestGCRecheckUnderTheLock: what gc finds under the environment's lock
// decides whether its plan still holds.
func TestGCRecheckUnderTheLock(t *testing.T) {
	ctx := context.Background()
	created := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	idle := created.Add(time.Minute)
	planned := gc.Teardown{Env: "demo-1", Known: true, CreatedAt: created, IdleSince: idle}
	put := func(db *sqlite.Store, c, i time.Time) {
		require.NoError(t, db.PutEnv(ctx, store.Env{ID: "demo-1", Project: "demo", Mode: "shared", State: store.StateReady, CreatedAt: c, IdleSince: i}))
	}
	for _, tc := range []struct {
		name  string
		setup func(*sqlite.Store)
		td    gc.Teardown
		want  string
	}{
		{"unchanged", func(db *sqlite.Store) { put(db, created, idle) }, planned, ""},
		{"gone from the store", func(*sqlite.Store) {}, planned, ""},
		{"used since", func(db *sqlite.Store) { put(db, created, idle.Add(time.Second)) }, planned, "used since the plan was made"},
		{"recreated", func(db *sqlite.Store) { put(db, created.Add(time.Second), time.Time{}) }, planned, "recreated since the plan was made"},
		{"an orphan recorded since", func(db *sqlite.Store) { put(db, created, idle) }, gc.Teardown{Env: "demo-1"}, "recorded in the store since the plan was made"},
		{"an orphan still unknown", func(*sqlite.Store) {}, gc.Teardown{Env: "demo-1"}, ""},
		{"acquired since", func(db *sqlite.Store) {
			put(db, created, idle)
			h, err := holderOf(0) // this test process: live
			require.NoError(t, err)
			_, err = db.AddLease(ctx, "demo-1", h, 0, time.Now())
			require.NoError(t, err)
		}, planned, "acquired since the plan was made: 1 live lease(s)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, db, _ := gcTestManager(t)
			tc.setup(db)
			why, err := m.gcRecheck(ctx, db, tc.td)
			require.NoError(t, err)
			assert.Equal(t, tc.want, why)
		})
	}
}

// TestGCSkipsAnEnvironmentWhoseLockIsHeld: a teardown whose environment
// lock another holder has is skipped whole, before any Docker call (this
// Manager has no daemon connection: a call would panic).
func TestGCSkipsAnEnvironmentWhoseLockIsHeld(t *testing.T) {
	ctx := context.Background()
	m, db, locks := gcTestManager(t)
	unlock, err := locks.Acquire(ctx, "env-demo-1")
	require.NoError(t, err)
	defer unlock()
	p := gc.Plan{Teardowns: []gc.Teardown{{Env: "demo-1"}}, Actions: []gc.Action{
		{Kind: gc.KindContainer, ID: "c1", Env: "demo-1"},
		{Kind: gc.KindNetwork, ID: "n1", Env: "demo-1"},
	}}
	results, tornDown, errs := m.gcExecute(ctx, db, locks, p)
	assert.Empty(t, errs)
	assert.Empty(t, tornDown)
	for _, r := range results {
		assert.Equal(t, GCSkipped, r.Outcome)
		assert.Equal(t, "its lock is held: being acquired", r.Detail)
	}
}

// TestAcquireRefusesAnotherStateDirectorysEnvironment: containers stamped
// by another state directory are not adopted (their leases are out of
// sight); unstamped or our own are.
func TestAcquireRefusesAnotherStateDirectorysEnvironment(t *testing.T) {
	m := &Manager{stateID: "aaaaaaaaaaaa"}
	st := func(stamps ...string) lifecycle.EnvStatus {
		var s lifecycle.EnvStatus
		for _, v := range stamps {
			s.Services = append(s.Services, lifecycle.ServiceStatus{Service: "web", StateLabel: v})
		}
		return s
	}
	require.NoError(t, m.refuseForeign("demo-1", st("aaaaaaaaaaaa", "")))
	err := m.refuseForeign("demo-1", st("aaaaaaaaaaaa", "bbbbbbbbbbbb"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "environment demo-1 is already up, made by a berth with another state directory (dev.berth.state=bbbbbbbbbbbb")
}
