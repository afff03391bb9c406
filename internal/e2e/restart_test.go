package e2e

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/plan"
)

// TestTenRestartsMakeOne: api made unhealthy, then 10 berth restart
// processes at once: exactly one restart happens (one container start,
// one "done" record); the others find it healthy or are refused; api is
// healthy afterwards.
func TestTenRestartsMakeOne(t *testing.T) {
	w := newWorld(t)
	file := testdata("restart.yaml")
	env := w.upHeld(t, file)
	w.makeUnhealthy(t, env, "api")

	log := w.watch()
	results := make([]result, 10)
	var wg sync.WaitGroup
	for i := range results {
		cmd := w.berth("restart", "api", "-p", w.project, "-f", file)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		require.NoError(t, cmd.Start())
		wg.Go(func() {
			err := cmd.Wait()
			results[i] = result{stdout: out.String(), stderr: errb.String()}
			if ee, ok := errors.AsType[*exec.ExitError](err); ok {
				results[i].code = ee.ExitCode()
			} else if err != nil {
				results[i].code = -1
			}
		})
	}
	wg.Wait()
	events := log.finish(t, w.e)

	restarted, nothing, refused := 0, 0, 0
	for i, r := range results {
		switch {
		case r.code == 0 && strings.Contains(r.stdout, "restarted"):
			restarted++
		case r.code == 0 && strings.Contains(r.stdout, "healthy; nothing to do"):
			nothing++
		case r.code == 4 && strings.Contains(r.stderr, "refused"):
			refused++
		default:
			t.Errorf("restart %d: exit %d: %s%s", i, r.code, r.stdout, r.stderr)
		}
	}
	t.Logf("10 berth restart at once: %d restarted, %d found it healthy, %d refused", restarted, nothing, refused)
	assert.Equal(t, 1, restarted, "exactly one restart")
	assert.Equal(t, 9, nothing+refused)
	assert.Equal(t, 1, starts(events, "api"), "one container start")
	k := kinds(w.restarts(t, env, "api"))
	assert.Equal(t, 1, k["done"], "one restart recorded")
	assert.Equal(t, refused, k["refused"], "each refusal recorded")
	assert.Zero(t, k["forced"])
	assert.Equal(t, "healthy", w.health(t, env, "api"))
}

// TestRestartLimitsAtProcessLevel: a smoke check that the limits hold
// across berth processes on the real daemon: with a one-hour cooldown set
// through the environment, a second berth restart of a dead service is
// refused (exit 4, the limit and the next allowed time named) and both are
// recorded. The limits' arithmetic (cooldown, window, the service breaker,
// exact next-allowed times) is unit-tested over the fake engine with a fake
// clock: TestRestartCooldownAndWindow, TestRestartServiceBreaker.
func TestRestartLimitsAtProcessLevel(t *testing.T) {
	w := newWorld(t)
	w.env = append(w.env, "BERTH_RESTART_COOLDOWN=1h")
	file := testdata("restart.yaml")
	env := w.upHeld(t, file)

	w.kill(t, env, "worker")
	out, r := w.restart(t, "worker", "-f", file)
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, "restarted", out.Action)
	require.Equal(t, "running", w.container(t, env, "worker").State.Status)
	var first time.Time
	for _, rec := range w.restarts(t, env, "worker") {
		first = rec.Time
	}

	w.kill(t, env, "worker")
	out, r = w.restart(t, "worker", "-f", file)
	require.Equal(t, 4, r.code, "exit 4 for a refused restart: %s", r.stderr)
	assert.Equal(t, "refused", out.Action)
	assert.Contains(t, out.Reason, "cooldown")
	assert.WithinDuration(t, first.Add(time.Hour), out.NextAllowed, 5*time.Millisecond, "next allowed")
	assert.Equal(t, "exited", w.container(t, env, "worker").State.Status, "nothing done")
	text := w.run("restart", "worker", "-p", w.project, "-f", file)
	assert.Equal(t, 4, text.code)
	assert.Contains(t, text.stderr, "restart of service worker refused: cooldown: last restart")
	assert.Equal(t, map[string]int{"done": 1, "refused": 2}, kinds(w.restarts(t, env, "worker")))
}

// TestHealthyServiceIsNotRestartedWithoutForce: berth restart of a healthy
// service does nothing (exit 0, no container start, no record); with
// --force it restarts it and records it as forced.
func TestHealthyServiceIsNotRestartedWithoutForce(t *testing.T) {
	w := newWorld(t)
	file := testdata("restart.yaml")
	env := w.upHeld(t, file)

	log := w.watch()
	out, r := w.restart(t, "api", "-f", file)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "none", out.Action)
	text := w.run("restart", "api", "-p", w.project, "-f", file)
	require.Equal(t, 0, text.code, text.stderr)
	assert.Contains(t, text.stdout, "healthy; nothing to do")
	assert.Zero(t, starts(log.finish(t, w.e), "api"), "no restart without --force")
	assert.Empty(t, w.restarts(t, env, "api"))

	log = w.watch()
	out, r = w.restart(t, "api", "-f", file, "--force")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "forced", out.Action)
	assert.Equal(t, 1, starts(log.finish(t, w.e), "api"))
	assert.Equal(t, map[string]int{"forced": 1}, kinds(w.restarts(t, env, "api")))
	assert.Equal(t, "healthy", w.health(t, env, "api"))
}

// TestRestartUnknownServiceIsBadInput: exit 2, naming the services.
func TestRestartUnknownServiceIsBadInput(t *testing.T) {
	w := newWorld(t)
	r := w.run("restart", "nope", "-p", w.project, "-f", testdata("restart.yaml"))
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, `no service "nope"`)
	assert.Contains(t, r.stderr, "api, worker")
	bad := w.berth("restart", "api", "-p", w.project, "-f", testdata("restart.yaml"))
	bad.Env = append(bad.Env, "BERTH_RESTART_COOLDOWN=soon")
	var errb bytes.Buffer
	bad.Stderr = &errb
	err := bad.Run()
	ee, isExit := errors.AsType[*exec.ExitError](err)
	require.True(t, isExit, "%v", err)
	assert.Equal(t, 2, ee.ExitCode())
	assert.Contains(t, errb.String(), "BERTH_RESTART_COOLDOWN")
}

// TestCrashLoopIsCapped: a service that exits every second under
// restart: always, in a berth environment: over 40 s the engine starts it
// at most 1 + N times (N = 3, the default attempt budget), and the daemon
// answers pings (every 100 ms) with p95 under 100 ms meanwhile.
func TestCrashLoopIsCapped(t *testing.T) {
	w := newWorld(t)
	file := testdata("crashloop.yaml")
	log := w.watch()
	ctx, stop := context.WithCancel(context.Background())
	var pings []time.Duration
	var pinged sync.WaitGroup
	pinged.Go(func() { pings = pingEvery(ctx, w.e, 100*time.Millisecond) })

	start := time.Now()
	env := w.upHeld(t, file)
	time.Sleep(time.Until(start.Add(40 * time.Second))) // the scenario is 40 s long
	stop()
	pinged.Wait()
	events := log.finish(t, w.e)

	n := starts(events, "crashy")
	c := w.container(t, env, "crashy")
	p95 := percentile(pings, 95)
	t.Logf("crash loop over 40 s: %d starts (engine restart count %d, policy %s:%d, state %s); %d pings, p50 %s, p95 %s, max %s",
		n, c.RestartCount, c.Restart.Name, c.Restart.MaximumRetryCount, c.State.Status, len(pings),
		percentile(pings, 50), p95, percentile(pings, 100))
	assert.Equal(t, engine.RestartPolicy{Name: "on-failure", MaximumRetryCount: plan.DefaultRestartBudget}, c.Restart)
	assert.LessOrEqual(t, n, 1+plan.DefaultRestartBudget, "starts in 40 s")
	assert.GreaterOrEqual(t, n, 2, "the engine still restarts a crashing service (within its budget)")
	assert.Equal(t, "exited", c.State.Status, "the engine gave up")
	require.NotEmpty(t, pings)
	assert.Less(t, p95, 100*time.Millisecond, "ping p95")
}

// pingEvery pings the daemon every interval until ctx ends and returns
// the latencies (a failed ping counts as its time to fail).
func pingEvery(ctx context.Context, e engine.Engine, interval time.Duration) []time.Duration {
	var out []time.Duration
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return out
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		t0 := time.Now()
		_, err := e.Ping(pctx)
		d := time.Since(t0)
		cancel()
		if err != nil && ctx.Err() != nil {
			return out
		}
		out = append(out, d)
	}
}

// percentile is the p-th percentile (nearest rank) of ds.
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p+99)/100 - 1
	return s[max(0, min(i, len(s)-1))]
}

// TestRunForceRestartRepairsInPlace: berth run --force-restart restarts
// the unhealthy service in place (forced, recorded) and the run reuses
// the environment: no container is created.
func TestRunForceRestartRepairsInPlace(t *testing.T) {
	w := newWorld(t)
	file := testdata("restart.yaml")
	env := w.upHeld(t, file)
	w.makeUnhealthy(t, env, "api")

	log := w.watch()
	r := w.run("run", "-p", w.project, "-f", file, "--force-restart", "--", "true")
	events := log.finish(t, w.e)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "service api: forced restart")
	assert.Empty(t, creates(events), "the environment was reused, not recreated")
	assert.Equal(t, 1, starts(events, "api"))
	assert.Zero(t, starts(events, "worker"), "a healthy service is left alone")
	assert.Equal(t, map[string]int{"forced": 1}, kinds(w.restarts(t, env, "api")))
	assert.Equal(t, "healthy", w.health(t, env, "api"))
}
