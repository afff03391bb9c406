//go:build linux

package e2e

// PostgreSQL stopped in the middle of a run (issue 12): the store of a
// shared environment in use goes away and comes back (same port, same
// data), with real berth processes holding leases across the outage.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/pglock"
	"github.com/berth-dev/berth/internal/pglock/pgtest"
)

// outageBound is how long a berth command may take to give up on a
// store that does not answer: the connection's retries (4 attempts,
// pauses from 100 ms doubling, ~1 s) with room for a loaded machine.
const outageBound = 30 * time.Second

// TestStoreOutageMidRun: a shared environment with two live holders (a
// `berth up --holder-pid` of a live process, whose keeper holds the lease,
// and a `berth run` whose command still runs) survives a PostgreSQL stop:
// meanwhile up, run, down, ps and gc each exit 1 within outageBound saying
// the store database is unreachable, the run's command goes on, and the
// daemon sees no container stopped or removed; once PostgreSQL is started
// again on the same port and data, both holders hold their lease locks
// again (a probe with no grace says held), a gc right after the restart
// reaps nothing, up reuses the environment (each service created once in
// the whole test), and after the holders go, down tears it down.
func TestStoreOutageMidRun(t *testing.T) {
	srv := pgtest.Cluster(t)
	w := newWorld(t)
	w.env = append(w.env, "BERTH_STORE="+srv.DSN)
	stopped := false
	t.Cleanup(func() { // before the world's cleanup, which needs the store
		if stopped {
			srv.Start(t)
		}
	})
	log := w.watch()
	h := newHolder(t)
	up := w.run("up", "-p", w.project, "-f", demo(), "--holder-pid", h.pid())
	require.Equal(t, 0, up.code, "up: %s", up.stderr)
	rs := w.startRunners(t, 1, "-f", demo())
	live, envs := w.liveLeases(t)
	require.Equal(t, 2, live, "the up's keeper and the run")
	require.Len(t, envs, 1)
	env := envs[0]
	before := w.leftovers(context.Background())

	locks := leaseLocks(t, srv.DSN, env)
	require.Len(t, locks, 2, "one lease lock per holder")
	require.True(t, heldNow(t, locks))

	srv.Stop(t)
	stopped = true
	ran := map[string]time.Duration{}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"up", []string{"up", "-p", w.project, "-f", demo(), "--holder-pid", h.pid()}},
		{"run", []string{"run", "-p", w.project, "-f", demo(), "--", "true"}},
		{"down", []string{"down", "-p", w.project, "-f", demo(), "--holder-pid", h.pid()}},
		{"ps", []string{"ps"}},
		{"gc", []string{"gc"}},
	} {
		start := time.Now()
		r := w.run(c.args...)
		ran[c.name] = time.Since(start)
		assert.Equal(t, 1, r.code, "berth %s while the store is down: %s%s", c.name, r.stdout, r.stderr)
		assert.Less(t, ran[c.name], outageBound, "berth %s gave up too late", c.name)
		assert.Regexp(t, `^berth: the store database 127\.0\.0\.1:\d+/postgres is unreachable`, r.stderr, "berth %s", c.name)
		assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "berth %s: one line on stderr: %s", c.name, r.stderr)
		assert.Empty(t, r.stdout, "berth %s: nothing on stdout", c.name)
	}
	t.Logf("while the store was down, berth up, run, down, ps, gc exited 1 after %v, %v, %v, %v, %v",
		ran["up"].Round(time.Millisecond), ran["run"].Round(time.Millisecond), ran["down"].Round(time.Millisecond),
		ran["ps"].Round(time.Millisecond), ran["gc"].Round(time.Millisecond))
	require.Nil(t, rs[0].cmd.ProcessState, "berth run ended during the outage: %s", rs[0].stderr)
	require.Equal(t, before, w.leftovers(context.Background()), "the outage changed the environment's resources")

	srv.Start(t)
	stopped = false
	back := time.Now()
	gc := w.run("gc")
	require.Equal(t, 0, gc.code, "gc right after the restart: %s", gc.stderr)
	assert.Contains(t, gc.stdout, "reaped 0 dead lease(s)")
	assert.Contains(t, gc.stdout, "took down 0 environment(s)")
	awaitHeld(t, locks)
	t.Logf("both holders held their lease locks again %v after PostgreSQL was back (gc meanwhile %s)",
		time.Since(back).Round(time.Millisecond), strings.TrimSpace(gc.stdout))
	live, _ = w.liveLeases(t)
	require.Equal(t, 2, live, "no lease of a live holder lost")

	again := w.run("up", "-p", w.project, "-f", demo(), "--holder-pid", h.pid())
	require.Equal(t, 0, again.code, "up after the restart: %s", again.stderr)
	events := log.finish(t, w.e)
	for _, svc := range []string{"postgres", "redis", "clickhouse", "auth", "backend", "frontend"} {
		assert.Equal(t, 1, creates(events)[svc], "creates of %s: the environment is reused", svc)
	}
	assert.Empty(t, stops(events), "nothing stopped or removed before the holders went")

	finish(t, rs) // the run's command ends; berth run exits 0
	h.kill()      // and the up's holder goes: its keepers let go
	down := w.run("down", "-p", w.project, "-f", demo(), "--holder-pid", h.pid())
	require.Equal(t, 0, down.code, "down: %s", down.stderr)
	assert.Empty(t, w.leftovers(context.Background()), "down tears the environment down once its holders are gone: %s", down.stdout)
}

// leaseLock is one lease's lock, probed with no grace: Held only while
// a holder has it.
type leaseLock struct {
	probe pglock.LeaseLocks
	name  string
}

// leaseLocks returns the lease locks tagged with env (the rows of
// berth_lease_lock).
func leaseLocks(t *testing.T, dsn, env string) []leaseLock {
	t.Helper()
	pool, err := pglock.Connect(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	rows, err := pool.Query(context.Background(), "SELECT scope, name FROM berth_lease_lock WHERE env_id = $1 ORDER BY name", env)
	require.NoError(t, err)
	defer rows.Close()
	var locks []leaseLock
	for rows.Next() {
		var l leaseLock
		require.NoError(t, rows.Scan(&l.probe.Scope, &l.name))
		l.probe.Pool, l.probe.Grace = pool, time.Nanosecond
		locks = append(locks, l)
	}
	require.NoError(t, rows.Err())
	return locks
}

// heldNow reports whether every lock is held by its holder.
func heldNow(t *testing.T, locks []leaseLock) bool {
	t.Helper()
	for _, l := range locks {
		v, err := l.probe.Probe(context.Background(), l.name)
		require.NoError(t, err)
		if v != pglock.Held {
			return false
		}
	}
	return true
}

// awaitHeld waits until every lock is held again, at most the grace
// period after a restart within which live holders must retake them.
func awaitHeld(t *testing.T, locks []leaseLock) {
	t.Helper()
	require.Eventually(t, func() bool { return heldNow(t, locks) }, pglock.Grace, 10*time.Millisecond,
		"a live holder did not take its lease lock again within the grace period")
}
