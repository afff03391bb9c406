//go:build linux

package e2e

// PostgreSQL stopped in the middle of a run (issue 12): the store of a
// shared environment in use goes away and comes back (same port, same
// data), with real berth processes holding leases across the outage.

import (
	"context"
	"slices"
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

// TestStoreOutageMidRun: a shared environment with three holders (a
// `berth up --holder-pid` of a live process, whose keeper holds the lease,
// and two `berth run` whose commands run) and a PostgreSQL stop (fast):
// meanwhile up, run, down, ps and gc each exit 1 within outageBound with
// one line saying the store database is unreachable; the daemon sees no
// container stopped or removed and no resource goes; one run's command
// goes on, the other's ends (berth run exits with its code and says its
// lease ends with it). PostgreSQL is started again on the same port and
// data: a gc right after reaps nothing, the live holders hold their lease
// locks again (a probe with no grace says held) within the grace, up
// reuses the environment (each service created once in the whole test),
// and once the holders go, the environment is taken down by down and gc,
// but not before the lease of the run that ended during the outage reads
// dead, the grace after the restart.
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
	_, envs := w.liveLeases(t)
	require.Len(t, envs, 1)
	env := envs[0]
	keeper := leaseLocks(t, srv.DSN, env, nil)
	stays := w.startRunners(t, 1, "-f", demo())[0] // runs through the outage
	run := leaseLocks(t, srv.DSN, env, keeper)     // its lock
	ends := w.startRunners(t, 1, "-f", demo())[0]  // its command ends during the outage
	gone := leaseLocks(t, srv.DSN, env, append(keeper, run...))
	require.Len(t, slices.Concat(keeper, run, gone), 3, "one lease lock per holder")
	live := append(keeper, run...)
	require.True(t, heldNow(t, live) && heldNow(t, gone))
	before := w.leftovers(context.Background())

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
	// A command that ends meanwhile: berth run exits with its code and
	// says the release failed; its lease ends with it.
	require.NoError(t, ends.stdin.Close())
	require.NoError(t, ends.cmd.Wait(), "berth run whose command ended during the outage")
	assert.Contains(t, ends.stderr.String(), "a later berth gc reaps it")
	require.Nil(t, stays.cmd.ProcessState, "berth run ended during the outage: %s", stays.stderr)
	require.ElementsMatch(t, before, w.leftovers(context.Background()), "the outage changed the environment's resources")

	srv.Start(t)
	stopped = false
	back := time.Now()
	gc := w.run("gc")
	require.Equal(t, 0, gc.code, "gc right after the restart: %s", gc.stderr)
	assert.Contains(t, gc.stdout, "reaped 0 dead lease(s)")
	assert.Contains(t, gc.stdout, "took down 0 environment(s)")
	awaitHeld(t, live)
	t.Logf("the live holders held their lease locks again %v after PostgreSQL was back", time.Since(back).Round(time.Millisecond))
	psFrom := time.Since(back)
	n, _ := w.liveLeases(t)
	switch psTo := time.Since(back); {
	case psTo < pglock.Grace:
		require.Equal(t, 3, n, "no lease lost: 2 held again, 1 settling (its holder went during the outage)")
	case psFrom >= pglock.Grace: // a loaded machine: the grace has passed already
		require.Equal(t, 2, n, "the 2 held again; the 1 whose holder went is dead after the grace")
	default:
		require.Contains(t, []int{2, 3}, n)
	}

	again := w.run("up", "-p", w.project, "-f", demo(), "--holder-pid", h.pid())
	require.Equal(t, 0, again.code, "up after the restart: %s", again.stderr)
	events := log.finish(t, w.e)
	for _, svc := range []string{"postgres", "redis", "clickhouse", "auth", "backend", "frontend"} {
		assert.Equal(t, 1, creates(events)[svc], "creates of %s: the environment is reused", svc)
	}
	assert.Empty(t, stops(events), "nothing stopped or removed before the holders went")

	// The holders go. The lease of the run that ended during the outage
	// keeps the environment until the grace after the restart has passed;
	// then down (or the gc after it) takes the environment down.
	teardown := w.watch()
	finish(t, []*runner{stays})
	h.kill()
	down := w.run("down", "-p", w.project, "-f", demo(), "--holder-pid", h.pid())
	require.Equal(t, 0, down.code, "down: %s", down.stderr)
	assert.Contains(t, down.stdout, "released 2 lease(s)")
	graced := pglock.LeaseLocks{Pool: gone[0].probe.Pool, Scope: gone[0].probe.Scope} // the product's grace
	require.Eventually(t, func() bool {
		v, err := graced.Probe(context.Background(), gone[0].name)
		require.NoError(t, err)
		return v == pglock.Dead
	}, 2*pglock.Grace, 100*time.Millisecond)
	last := w.run("gc")
	require.Equal(t, 0, last.code, "gc: %s", last.stderr)
	assert.Empty(t, w.leftovers(context.Background()), "the environment is taken down once its last lease is dead")
	var first time.Time
	for _, ev := range teardown.finish(t, w.e) {
		if (ev.Action == "stop" || ev.Action == "kill" || ev.Action == "destroy") && (first.IsZero() || ev.Time.Before(first)) {
			first = ev.Time
		}
	}
	require.False(t, first.IsZero(), "no container was stopped")
	assert.GreaterOrEqual(t, first.Sub(back), pglock.Grace-2*time.Second, "torn down within the grace, under a settling lease")
	t.Logf("the environment was taken down %v after PostgreSQL was back (grace %v)", first.Sub(back).Round(time.Millisecond), pglock.Grace)
}

// leaseLock is one lease's lock, probed with no grace: Held only while
// a holder has it.
type leaseLock struct {
	probe pglock.LeaseLocks
	name  string
}

// leaseLocks returns the lease locks tagged with env (the rows of
// berth_lease_lock) other than those of known.
func leaseLocks(t *testing.T, dsn, env string, known []leaseLock) []leaseLock {
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
		if !slices.ContainsFunc(known, func(k leaseLock) bool { return k.name == l.name }) {
			locks = append(locks, l)
		}
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
