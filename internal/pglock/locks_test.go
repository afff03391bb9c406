package pglock

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/pglock/pgtest"
)

// A lock held by another process excludes this one, and is free as soon
// as that process is SIGKILLed: the server ends its session.
func TestLockFreedWhenHolderKilled(t *testing.T) {
	dsn := pgtest.DSN(t)
	scope := pgtest.Scope(t)
	locks := Locks{Pool: testPool(t, dsn), Scope: scope}
	holder := startHolder(t, "lock-holder", "DSN="+dsn, "SCOPE="+scope, "NAME=env-a")

	_, ok, err := locks.TryAcquire("env-a")
	require.NoError(t, err)
	require.False(t, ok, "a lock held by another process was taken")
	other, ok, err := locks.TryAcquire("env-b")
	require.NoError(t, err)
	require.True(t, ok, "another name is another lock")
	require.NoError(t, other())

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = locks.Acquire(ctx, "env-a")
	require.ErrorIs(t, err, context.DeadlineExceeded)

	holder.kill(t)
	killed := time.Now()
	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	release, err := locks.Acquire(ctx, "env-a")
	require.NoError(t, err)
	t.Logf("lock taken %v after its holder was SIGKILLed", time.Since(killed))
	require.NoError(t, release())
	require.NoError(t, release(), "a second release is harmless")
}

// Scopes do not share locks: two daemons' "env-a" are two locks.
func TestLockScopes(t *testing.T) {
	pool := testPool(t, pgtest.DSN(t))
	scope := pgtest.Scope(t)
	r1, ok, err := Locks{Pool: pool, Scope: scope + "-1"}.TryAcquire("env-a")
	require.NoError(t, err)
	require.True(t, ok)
	defer r1()
	r2, ok, err := Locks{Pool: pool, Scope: scope + "-2"}.TryAcquire("env-a")
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, r2())
}
