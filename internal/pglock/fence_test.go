package pglock

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/pglock/pgtest"
)

// A fenced lock released in the normal way: no loss is reported, and the
// watch leaves the connection usable (the unlock on it succeeds), time
// after time.
func TestFencedLockReleasedNormally(t *testing.T) {
	f := &Fence{}
	l := Locks{Pool: testPool(t, pgtest.DSN(t)), Scope: pgtest.Scope(t), Fence: f}
	for i := range 50 {
		release, err := l.Acquire(context.Background(), "env")
		require.NoError(t, err)
		require.NoError(t, f.Lost())
		require.NoError(t, release(), "round %d", i)
		release, ok, err := l.TryAcquire("env")
		require.NoError(t, err)
		require.True(t, ok)
		require.NoError(t, release(), "round %d", i)
	}
	require.NoError(t, f.Lost())
}

// An environment lock held across a database restart is lost with its
// session (another process can take it once the server is back): its
// holder's fence reports it until the holder lets it go, whose release
// then says the lock was no longer held.
func TestFencedLockLostInRestart(t *testing.T) {
	srv := pgtest.Cluster(t)
	scope := pgtest.Scope(t)
	f := &Fence{}
	l := Locks{Pool: testPool(t, srv.DSN), Scope: scope, Fence: f}
	release, err := l.Acquire(context.Background(), "env-a")
	require.NoError(t, err)
	other, err := l.Acquire(context.Background(), "env-b")
	require.NoError(t, err)
	require.NoError(t, other())
	require.NoError(t, f.Lost())

	srv.Restart(t)
	restarted := time.Now()
	require.Eventually(t, func() bool { return f.Lost() != nil }, 10*time.Second, time.Millisecond)
	t.Logf("the loss was reported %v after pg_ctl restart returned", time.Since(restarted))
	var lost *LostLockError
	require.ErrorAs(t, f.Lost(), &lost)
	require.Equal(t, []string{"env-a"}, lost.Names, "only the lock held across the restart")

	// Why it matters: another process takes the lock meanwhile.
	second := Locks{Pool: testPool(t, srv.DSN), Scope: scope}
	r2, ok, err := second.TryAcquire("env-a")
	require.NoError(t, err)
	require.True(t, ok, "the lock was dropped with its session")
	defer func() { require.NoError(t, r2()) }()

	require.Error(t, release(), "the release says the lock was no longer held")
	require.NoError(t, f.Lost(), "a loss is forgotten once its holder lets go")
}
