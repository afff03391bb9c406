package pglock

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/leases"
	"github.com/berth-dev/berth/internal/pglock/pgtest"
)

func leaseSet(t *testing.T, dsn string) LeaseSet {
	t.Helper()
	pool := testPool(t, dsn)
	require.NoError(t, EnsureSchema(t.Context(), pool))
	return LeaseSet{Leases: LeaseLocks{Pool: pool, Scope: pgtest.Scope(t), Grace: time.Nanosecond}, DSN: dsn}
}

// A lease lock held in this process is live until dropped.
func TestLeaseSetOwn(t *testing.T) {
	set := leaseSet(t, pgtest.DSN(t))
	var _ leases.LockSet = set
	p, err := set.Take(0, nil)
	require.NoError(t, err)
	name, err := p.Held(t.Context())
	require.NoError(t, err)
	held, err := set.Probe(name)
	require.NoError(t, err)
	require.True(t, held)
	require.Equal(t, 0, set.Sweep(nil, 0, time.Now().Add(time.Hour)), "a held lock is never swept")
	require.Empty(t, set.HeldOn("env-1"))
	require.NoError(t, set.Tag(name, "env-1"))
	require.Equal(t, []string{name}, set.HeldOn("env-1"))
	require.Empty(t, set.HeldOn("env-2"))
	p.Drop()
	require.Eventually(t, func() bool { held, err := set.Probe(name); return err == nil && !held }, 5*time.Second, time.Millisecond)
}

// A keeper process (as berth keep-lease) holds the lease while the process
// it follows lives; SIGKILL of that process ends the keeper and the lease
// is dead. Another keeper exits when its lease is removed (released).
func TestLeaseSetKeeper(t *testing.T) {
	dsn := pgtest.DSN(t)
	set := leaseSet(t, dsn)
	t.Setenv(roleEnv, "keeper") // inherited by keepers; our TestMain already ran
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	argv := []string{os.Args[0]}

	followed := startHolder(t, "lease-holder", "DSN="+dsn, "SCOPE=unused", "NAME=h-x", roleEnv+"=lease-holder")
	p, err := set.Take(followed.cmd.Process.Pid, argv)
	require.NoError(t, err)
	k := p.(*leases.Keeper)
	name, err := k.Held(context.Background())
	require.NoError(t, err)
	held, err := set.Probe(name)
	require.NoError(t, err)
	require.True(t, held, "the keeper holds the lease")
	followed.kill(t)
	killed := time.Now()
	require.Eventually(t, func() bool { held, err := set.Probe(name); return err == nil && !held }, 10*time.Second, time.Millisecond)
	t.Logf("lease dead %v after the followed process was SIGKILLed", time.Since(killed))

	followed2 := startHolder(t, "lease-holder", "DSN="+dsn, "SCOPE=unused", "NAME=h-y", roleEnv+"=lease-holder")
	p2, err := set.Take(followed2.cmd.Process.Pid, argv)
	require.NoError(t, err)
	name2, err := p2.Held(context.Background())
	require.NoError(t, err)
	require.NoError(t, set.Remove(name2)) // released (berth down)
	require.Eventually(t, func() bool { held, err := set.Probe(name2); return err == nil && !held }, 10*time.Second, 10*time.Millisecond,
		"the keeper let go once its lease was released")
}
