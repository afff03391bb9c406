package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// TestGCSparesLiveLeasesAndForeignResources: three environments aged past
// their stale age; the one whose holder lives survives every gc, the two
// whose holders were killed go (one by its project's x-berth.stale_after,
// one by BERTH_STALE_AFTER), and a teammate's unlabelled running and exited
// containers, network and volumes survive safe and normal mode.
func TestGCSparesLiveLeasesAndForeignResources(t *testing.T) {
	w := newWorld(t)
	w.env = append(w.env, "BERTH_LINGER=1h") // only staleness takes them down
	ctx := t.Context()
	f := w.makeForeign(t, ctx)

	liveHolder, deadHolder, xDeadHolder := newHolder(t), newHolder(t), newHolder(t)
	live := w.upFor(t, gcStack(t, "live", ""), liveHolder)
	dead := w.upFor(t, gcStack(t, "dead", ""), deadHolder)
	xdead := w.upFor(t, gcStack(t, "xdead", "x-berth:\n  stale_after: 1ms\n"), xDeadHolder)
	deadHolder.kill()
	xDeadHolder.kill()

	// Safe mode with the defaults: only the project that set a 1 ms stale age.
	r := w.gc(t, nil, "--min-age", "0s")
	assert.Equal(t, []string{xdead}, w.tornDown(r))
	assert.Equal(t, "in use: 1 live lease(s)", r.keptReason(live))
	assert.Contains(t, r.keptReason(dead), "lingering for reuse")
	w.requireIntact(t, ctx, f, "gc (safe)")

	// Normal mode, stale age 1 ms from the environment: the killed holder's
	// environment goes, the live one stays whatever its age.
	r = w.gc(t, []string{"BERTH_STALE_AFTER=1ms"}, "--mode", "normal", "--min-age", "0s")
	assert.Equal(t, []string{dead}, w.tornDown(r))
	assert.Equal(t, "in use: 1 live lease(s)", r.keptReason(live))
	for _, res := range r.Results {
		assert.NotEqual(t, live, res.Action.Env, "nothing of the leased environment is touched: %+v", res)
	}
	assert.True(t, w.running(t, ctx, live), "the leased environment still runs")
	w.requireIntact(t, ctx, f, "gc --mode normal")

	// Its holder gone, the last one goes too.
	liveHolder.kill()
	r = w.gc(t, nil, "--stale-after", "1ms", "--min-age", "0s")
	assert.Equal(t, []string{live}, w.tornDown(r))
	assert.Empty(t, w.leftovers(ctx))
	w.requireIntact(t, ctx, f, "the last gc")
}

// TestGCDryRunListsWhatTheRunDoes: the dry run's plan (an idle
// environment and an orphan the store lost) is exactly what the real run
// then removes, and the bytes reclaimed are reported.
func TestGCDryRunListsWhatTheRunDoes(t *testing.T) {
	w := newWorld(t)
	w.env = append(w.env, "BERTH_LINGER=1h")
	ctx := t.Context()
	// "lost" comes up, then the store is deleted: its resources become
	// orphans older than the store, which only staleness (1 ms here) lets
	// gc take. "idle" comes up in the new store; its holder dies.
	lostHolder, idleHolder := newHolder(t), newHolder(t)
	lost := w.upFor(t, gcStack(t, "lost", ""), lostHolder)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		err := os.Remove(filepath.Join(w.state, "berth.db"+suffix))
		require.True(t, err == nil || os.IsNotExist(err), "remove the store: %v", err)
	}
	idle := w.upFor(t, gcStack(t, "idle", ""), idleHolder)
	lostHolder.kill()
	idleHolder.kill()

	args := []string{"--stale-after", "1ms", "--min-age", "0s", "--mode", "normal"}
	plan := w.gc(t, nil, append([]string{"--dry-run"}, args...)...)
	require.True(t, plan.DryRun)
	assert.Empty(t, plan.Results, "a dry run removes nothing")
	require.NotEmpty(t, plan.Plan.Actions)
	assert.ElementsMatch(t, []string{idle, lost}, envsOf(plan.Plan.Teardowns))
	for _, env := range []string{idle, lost} {
		assert.True(t, w.running(t, ctx, env), "after the dry run %s still runs", env)
	}
	t.Logf("dry run: %d actions, %d bytes reclaimable", len(plan.Plan.Actions), plan.Reclaimable)

	run := w.gc(t, nil, args...)
	assert.Equal(t, ids(plan.Plan.Actions), ids(run.Plan.Actions), "the run's plan is the dry run's")
	require.Len(t, run.Results, len(run.Plan.Actions))
	var sum int64
	for i, res := range run.Results {
		assert.Equal(t, "removed", res.Outcome, "action %d %+v: %s", i, res.Action, res.Detail)
		assert.Equal(t, run.Plan.Actions[i].ID, res.Action.ID)
		sum += res.Reclaimed
	}
	assert.Equal(t, sum, run.Reclaimed)
	assert.GreaterOrEqual(t, run.Reclaimed, int64(2*2<<20), "two volumes of 2 MiB each")
	require.NotNil(t, run.Before)
	require.NotNil(t, run.After)
	t.Logf("reclaimed %d bytes; disk before %v after %v", run.Reclaimed, *run.Before, *run.After)
	assert.Empty(t, w.leftovers(ctx))
}

func envsOf(ts []gcTeardown) []string {
	var out []string
	for _, td := range ts {
		out = append(out, td.Env)
	}
	return out
}

// TestGCLoopWhileFiveProcessesAcquire: five processes each acquire and
// release one shared environment four times, running gc after each
// release, while this test runs gc in a loop too; every gc takes down
// whatever has no live lease (stale after 1 ms). Every run's check reaches
// every service, so no acquirer ever got a half-deleted environment; the
// daemon's create events count how often gc took it down under them and
// they made a fresh one.
func TestGCLoopWhileFiveProcessesAcquire(t *testing.T) {
	w := newWorld(t)
	w.env = append(w.env, "BERTH_LINGER=1h") // releases leave it up: gc must race for it
	file := gcStack(t, "loop", "")
	const procs, rounds = 5, 4
	script := `p=$1 f=$2; shift 2; for i in $(seq ` + strconv.Itoa(rounds) + `); do
		"$0" run -p "$p" -f "$f" -- "$@" </dev/null || exit 1
		"$0" gc --stale-after 1ms --min-age 0s >/dev/null || exit 1
	done`
	log := w.watch()
	var wg sync.WaitGroup
	results := make([]result, procs)
	for i := range procs {
		b := w.berth()
		sh := exec.Command("/bin/sh", append([]string{"-c", script, b.Path, w.project, file}, checkCmd()...)...)
		sh.Env = b.Env
		var out, errb strings.Builder
		sh.Stdout, sh.Stderr = &out, &errb
		require.NoError(t, sh.Start())
		wg.Go(func() {
			err := sh.Wait()
			results[i] = result{stdout: out.String(), stderr: errb.String()}
			if err != nil {
				results[i].code = sh.ProcessState.ExitCode()
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	gcs := 0
	for loop := true; loop; {
		select {
		case <-done:
			loop = false
		default:
			w.gc(t, nil, "--stale-after", "1ms", "--min-age", "0s")
			gcs++
		}
	}
	for i, r := range results {
		assert.Equal(t, 0, r.code, "runner %d: %s", i, r.stderr)
		assert.Equal(t, rounds, strings.Count(r.stdout, "ready "), "runner %d checked every round", i)
	}
	w.gc(t, nil, "--stale-after", "1ms", "--min-age", "0s")
	made := creates(log.finish(t, w.e))["web"]
	t.Logf("%d runners x %d runs passed; %d gc runs from the runners and %d from the test; the environment was created %d time(s), so gc took it down %d time(s) between acquirers",
		procs, rounds, procs*rounds, gcs, made, made-1)
	assert.Empty(t, w.leftovers(context.Background()))
}

// TestGCBadInputRemovesNothing: with an environment gc would take down,
// every bad flag or setting exits 2 and the environment still runs; a
// correct gc then takes it.
func TestGCBadInputRemovesNothing(t *testing.T) {
	w := newWorld(t)
	w.env = append(w.env, "BERTH_LINGER=1h")
	ctx := t.Context()
	h := newHolder(t)
	env := w.upFor(t, gcStack(t, "bad", ""), h)
	h.kill()
	for _, bad := range []struct {
		env  []string
		args []string
	}{
		{args: []string{"--mode", "aggressive", "--stale-after", "1ms"}},
		{args: []string{"--stale-after", "soon"}},
		{args: []string{"--stale-after", "0"}},
		{args: []string{"--stale-after", "1ms", "--min-age", "-1s"}},
		{args: []string{"--stale-after", "1ms", "--mode", "deep"}}, // no --yes, no terminal
		{env: []string{"BERTH_STALE_AFTER=later"}},
		{env: []string{"BERTH_STALE_AFTER=1ms", "BERTH_LINGER=forever"}},
	} {
		saved := w.env
		w.env = append(append([]string{}, w.env...), bad.env...)
		r := w.run(append([]string{"gc"}, bad.args...)...)
		w.env = saved
		assert.Equal(t, 2, r.code, "gc %v %v: %s%s", bad.env, bad.args, r.stdout, r.stderr)
		assert.Empty(t, r.stdout, "gc %v %v printed no plan", bad.env, bad.args)
		require.True(t, w.running(t, ctx, env), "after gc %v %v the environment still runs", bad.env, bad.args)
	}
	r := w.gc(t, nil, "--stale-after", "1ms", "--min-age", "0s")
	assert.Equal(t, []string{env}, w.tornDown(r), "it was eligible all along")
}

// TestGCDeepKeepsWhatIsInUse: gc --mode deep --yes removes unused volumes
// and images daemon-wide but not a teammate's running or exited
// container, the volume and image they use, their network, or a leased
// berth environment. It prunes every unused image on the daemon, so it
// runs only when BERTH_GC_DEEP_TEST=1 (scripts/test sets it in CI, and
// runs it alone after everything else).
func TestGCDeepKeepsWhatIsInUse(t *testing.T) {
	if os.Getenv("BERTH_GC_DEEP_TEST") != "1" {
		t.Skip("removes every unused image and volume on the daemon: set BERTH_GC_DEEP_TEST=1 (scripts/test does in CI)")
	}
	w := newWorld(t)
	ctx := t.Context()
	f := w.makeForeign(t, ctx)
	h := newHolder(t)
	env := w.upFor(t, gcStack(t, "deep", ""), h)

	plan := w.gc(t, nil, "--mode", "deep", "--min-age", "0s", "--dry-run")
	run := w.gc(t, nil, "--mode", "deep", "--min-age", "0s", "--yes")
	assert.Equal(t, ids(plan.Plan.Actions), ids(run.Plan.Actions), "the run's plan is the dry run's")
	var volumes []string
	for i, res := range run.Results {
		if res.Action.Kind == "volume" {
			volumes = append(volumes, res.Action.ID)
		}
		assert.NotEqual(t, "failed", res.Outcome, "action %d %+v: %s", i, res.Action, res.Detail)
		assert.NotEqual(t, env, res.Action.Env, "nothing of the leased environment is planned")
	}
	assert.Contains(t, volumes, f.unusedVolume, "the unused foreign volume is in deep's plan")
	t.Logf("deep gc: %d actions, reclaimed %d bytes, before %v after %v", len(run.Results), run.Reclaimed, *run.Before, *run.After)

	_, err := w.e.ImageInspect(ctx, w.image)
	require.NoError(t, err, "the image running containers use survives")
	assert.True(t, w.running(t, ctx, env), "the leased environment still runs")
	f.unusedVolume = "" // removed, as asked
	c, err := w.e.ContainerInspect(ctx, f.running)
	require.NoError(t, err)
	assert.True(t, c.State.Running)
	_, err = w.e.ContainerInspect(ctx, f.exited)
	require.NoError(t, err, "deep mode removes no container")
	_, err = w.e.NetworkInspect(ctx, f.network)
	require.NoError(t, err, "deep mode removes no network")
	vs, err := w.e.VolumeList(ctx, engine.ListFilter{Labels: map[string]string{"e2e.foreign": w.project}})
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, f.usedVolume, vs[0].Name, "the mounted volume survives, the unused one is gone")
	h.kill()
}

// TestAcquireDuringGCTeardownGetsAFreshEnvironment: gc is in the middle of
// taking an environment down (its service ignores SIGTERM, so the stop
// waits out a 6 s grace period while gc holds the environment's lock) when
// a runner acquires the same environment. The runner, started before the
// old container is gone, waits for the lock and gets a fresh copy, created
// only after the old container was destroyed, and its check reaches the
// service: never a half-deleted one.
func TestAcquireDuringGCTeardownGetsAFreshEnvironment(t *testing.T) {
	w := newWorld(t)
	w.env = append(w.env, "BERTH_LINGER=1h")
	ctx := t.Context()
	file := filepath.Join(t.TempDir(), "slow-stop.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`services:
  web:
    image: ${BERTH_TESTSVC_IMAGE}
    ports: ["8080"]
    environment:
      TESTSVC_IGNORE_SIGTERM: "1"
    stop_grace_period: 6s
    healthcheck:
      test: ["CMD", "/testsvc", "probe"]
      interval: 1s
      retries: 30
`), 0o600))
	h := newHolder(t)
	env := w.upFor(t, file, h)
	h.kill()
	old := w.container(t, env, "web").ID

	log := w.watch()
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events, errs := w.e.Events(sctx, engine.EventFilter{Types: []string{"container"}, Labels: map[string]string{"dev.berth.env": env}})
	gc := w.berth("gc", "--json", "--stale-after", "1ms", "--min-age", "0s")
	var gcOut strings.Builder
	gc.Stdout = &gcOut
	require.NoError(t, gc.Start())
	timeout := time.After(time.Minute)
	for killed := false; !killed; { // gc sent the stop signal: it holds the lock, mid-teardown
		select {
		case ev, ok := <-events:
			require.True(t, ok, "the event stream ended")
			killed = ev.ActorID == old && ev.Action == "kill"
		case err := <-errs:
			require.NoError(t, err, "event stream")
		case <-timeout:
			require.FailNow(t, "gc never sent the old container its stop signal")
		}
	}
	cancel()
	runStarted := time.Now()
	run := w.run("run", "-p", w.project, "-f", file, "--", "env", roleEnv+"=check", os.Args[0])
	require.NoError(t, gc.Wait())
	assert.Equal(t, 0, run.code, "the runner's check: %s", run.stderr)
	assert.Contains(t, run.stdout, "ready ")
	var rep gcReport
	require.NoError(t, json.Unmarshal([]byte(gcOut.String()), &rep), gcOut.String())
	assert.Equal(t, []string{env}, w.tornDown(rep))

	evs := log.finish(t, w.e)
	destroyed, created := -1, -1
	for i, ev := range evs {
		switch {
		case ev.ActorID == old && ev.Action == "destroy":
			destroyed = i
		case ev.ActorID != old && ev.Action == "create" && created < 0:
			created = i
		}
	}
	require.GreaterOrEqual(t, destroyed, 0, "gc removed the old container")
	require.GreaterOrEqual(t, created, 0, "the runner got a new container")
	assert.Greater(t, created, destroyed, "the fresh copy was created only after gc finished with the old one")
	assert.True(t, runStarted.Before(evs[destroyed].Time), "the runner started (%s) while gc was still taking the old copy down (destroyed %s)",
		runStarted.Format(time.StampMilli), evs[destroyed].Time.Format(time.StampMilli))
	t.Logf("events: old container killed, destroyed at #%d; new one created at #%d of %d", destroyed, created, len(evs))
}

// TestRunCleanupOldRunsTheSafeGCFirst: berth run --cleanup-old takes down
// a stale environment whose holder died before it acquires its own, and
// its own (leased) one survives the same rules.
func TestRunCleanupOldRunsTheSafeGCFirst(t *testing.T) {
	w := newWorld(t)
	w.env = append(w.env, "BERTH_LINGER=1h", "BERTH_STALE_AFTER=1ms")
	ctx := t.Context()
	h := newHolder(t)
	old := w.upFor(t, gcStack(t, "old", ""), h)
	h.kill()
	run := w.run("run", "--cleanup-old", "-p", w.project, "-f", gcStack(t, "new", ""), "--", "env", roleEnv+"=check", os.Args[0])
	require.Equal(t, 0, run.code, run.stderr)
	assert.Contains(t, run.stderr, "berth: gc (safe): reaped 1 dead lease(s), took down 1 environment(s)")
	assert.False(t, w.running(t, ctx, old), "the stale environment is gone")
	_, ids := w.liveLeases(t)
	assert.NotContains(t, ids, old)
}
