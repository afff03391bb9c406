package pglock

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/pglock/pgtest"
)

func TestJudge(t *testing.T) {
	grace := 30 * time.Second
	for _, c := range []struct {
		held bool
		up   time.Duration
		want Liveness
	}{
		{true, time.Second, Held},
		{true, time.Hour, Held},
		{false, 0, Settling},
		{false, grace - time.Nanosecond, Settling},
		{false, grace, Dead},
		{false, time.Hour, Dead},
	} {
		got := Judge(c.held, c.up, grace)
		require.Equal(t, c.want, got, "held=%v up=%v", c.held, c.up)
		require.Equal(t, c.want != Dead, got.Live())
	}
}

// Probers in several processes, probing as fast as they can, never make a
// held lease look dead, nor keep its holder from holding it; the lease is
// dead as soon as its holder is SIGKILLed.
func TestLeaseProbesAcrossProcesses(t *testing.T) {
	dsn := pgtest.DSN(t)
	scope := pgtest.Scope(t)
	name, err := NewLeaseName()
	require.NoError(t, err)
	k := LeaseLocks{Pool: testPool(t, dsn), Scope: scope, Grace: time.Nanosecond}
	v, err := k.Probe(context.Background(), name)
	require.NoError(t, err)
	require.Equal(t, Dead, v, "a lock nobody took")

	holder := startHolder(t, "lease-holder", "DSN="+dsn, "SCOPE="+scope, "NAME="+name)
	var probers []*proc
	for range 4 {
		probers = append(probers, start(t, "prober", "DSN="+dsn, "SCOPE="+scope, "NAME="+name, "ROUNDS=300"))
	}
	// Meanwhile other holders take their own leases: probers never block them.
	for i := range 3 {
		other, err := k.Hold(context.Background(), fmt.Sprintf("%s-%d", name, i))
		require.NoError(t, err)
		require.NoError(t, other.Release())
	}
	for i, p := range probers {
		require.NoError(t, p.wait(), "prober %d", i)
	}
	holder.kill(t)
	killed := time.Now()
	require.Eventually(t, func() bool {
		v, err := k.Probe(context.Background(), name)
		return err == nil && v == Dead
	}, 10*time.Second, time.Millisecond)
	t.Logf("lease judged dead %v after its holder was SIGKILLed", time.Since(killed))
}

// A released lease is dead; its name can be held again.
func TestLeaseRelease(t *testing.T) {
	k := LeaseLocks{Pool: testPool(t, pgtest.DSN(t)), Scope: pgtest.Scope(t), Grace: time.Nanosecond}
	h, err := k.Hold(context.Background(), "h-1")
	require.NoError(t, err)
	v, err := k.Probe(context.Background(), "h-1")
	require.NoError(t, err)
	require.Equal(t, Held, v)
	require.NoError(t, h.Release())
	require.Eventually(t, func() bool {
		v, err := k.Probe(context.Background(), "h-1")
		return err == nil && v == Dead
	}, 5*time.Second, time.Millisecond)
}

// A database restart ends every session: the holder, a separate process,
// reconnects and takes its lease lock again; meanwhile and until then the
// lease is never judged dead. A lease whose holder is gone is judged dead
// only once the grace period since the restart has passed.
func TestLeaseSurvivesDatabaseRestart(t *testing.T) {
	srv := pgtest.Cluster(t)
	scope := pgtest.Scope(t)
	const grace = 5 * time.Second
	k := LeaseLocks{Pool: testPool(t, srv.DSN), Scope: scope, Grace: grace}
	kept := startHolder(t, "lease-holder", "DSN="+srv.DSN, "SCOPE="+scope, "NAME=h-kept")
	gone := startHolder(t, "lease-holder", "DSN="+srv.DSN, "SCOPE="+scope, "NAME=h-gone")

	srv.Stop(t)
	gone.kill(t) // dies while the database is down: it will not come back
	srv.Start(t)
	started := time.Now()

	probe := func(name string) Liveness {
		v, err := k.Probe(context.Background(), name)
		require.NoError(t, err)
		return v
	}
	// The survivor takes its lock again; it is never judged dead.
	require.Eventually(t, func() bool {
		v := probe("h-kept")
		require.NotEqual(t, Dead, v, "a live holder's lease was judged dead after the restart")
		return v == Held
	}, grace, 10*time.Millisecond, "the holder did not take its lease lock again within the grace period")
	t.Logf("holder took its lease lock again %v after the database came back", time.Since(started))

	// The dead holder's lease settles, then is dead once the grace has passed.
	require.Equal(t, Settling, probe("h-gone"))
	require.Eventually(t, func() bool { return probe("h-gone") == Dead }, 3*grace, 10*time.Millisecond)
	require.GreaterOrEqual(t, time.Since(started), grace-time.Second, "judged dead before the grace period")
	require.Equal(t, Held, probe("h-kept"))

	// pg_ctl restart: the same again, for the survivor.
	srv.Restart(t)
	require.Eventually(t, func() bool {
		v := probe("h-kept")
		require.NotEqual(t, Dead, v, "a live holder's lease was judged dead after pg_ctl restart")
		return v == Held
	}, grace, 10*time.Millisecond, "the holder did not take its lease lock again after pg_ctl restart")
	require.NoError(t, kept.cmd.Process.Kill())
}
