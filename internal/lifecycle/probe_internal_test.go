package lifecycle

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/clock"
	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
	"github.com/berth-dev/berth/internal/gate"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/progress"
	"github.com/berth-dev/berth/internal/statedir"
)

// The backoff: 50 ms, doubling, never more than the interval (a 20 ms
// interval caps the first wait) nor a second (the engine's 30 s default
// interval when unset would leave a slow service unseen for seconds).
func TestNextProbeDelay(t *testing.T) {
	schedule := func(interval time.Duration, n int) []time.Duration {
		var out []time.Duration
		var d time.Duration
		for range n {
			d = nextProbeDelay(d, interval)
			out = append(out, d)
		}
		return out
	}
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{50 * ms, 100 * ms, 200 * ms, 400 * ms, 800 * ms, time.Second, time.Second},
		schedule(time.Second, 7))
	assert.Equal(t, []time.Duration{50 * ms, 100 * ms, 200 * ms, 400 * ms, 800 * ms, time.Second, time.Second},
		schedule(0, 7), "default interval")
	assert.Equal(t, []time.Duration{50 * ms, 100 * ms, 200 * ms, 400 * ms, 500 * ms, 500 * ms},
		schedule(500*ms, 6))
	assert.Equal(t, []time.Duration{20 * ms, 20 * ms}, schedule(20*ms, 2))
}

// A run past its timeout doubles the next one's, up to 4x the check's
// timeout; a run that ended in time (passed or failed) goes back to it.
func TestNextProbeTimeout(t *testing.T) {
	base := 2 * time.Second
	var got []time.Duration
	cur := base
	for _, timedOut := range []bool{true, true, true, true, false, true} {
		cur = nextProbeTimeout(cur, base, timedOut)
		got = append(got, cur)
	}
	s := time.Second
	assert.Equal(t, []time.Duration{4 * s, 8 * s, 8 * s, 8 * s, 2 * s, 4 * s}, got)
}

// A run the daemon holds past its timeout reports timedOut (and not
// ok); the caller's own end is not a timeout.
func TestProbeOnceReportsItsTimeout(t *testing.T) {
	e := fake.New()
	id := runningContainer(t, e)
	b := e.Block(engine.OpContainerExec)
	defer b.Release()
	p := prober{e: e, clock: clock.Real{}, log: slog.New(slog.DiscardHandler), id: id, cmd: []string{"check"}}
	ok, stop, timedOut := p.once(t.Context(), 5*time.Millisecond)
	assert.False(t, ok)
	assert.False(t, stop)
	assert.True(t, timedOut)

	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		_ = b.WaitHeld(ctx, 1)
		cancel()
	}()
	ok, _, timedOut = p.once(ctx, time.Hour)
	assert.False(t, ok)
	assert.False(t, timedOut, "the caller gave up: not the run's timeout")
}

// execLog is a fake exec that fails the first `fails` runs, then passes,
// recording when (on the fake clock) each run happened.
type execLog struct {
	mu    sync.Mutex
	clk   *clock.Fake
	t0    time.Time
	fails int
	at    []time.Duration
}

func (x *execLog) exec(_ string, _ engine.ExecSpec) engine.ExecResult {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.at = append(x.at, x.clk.Now().Sub(x.t0))
	if len(x.at) <= x.fails {
		return engine.ExecResult{ExitCode: 1}
	}
	return engine.ExecResult{}
}

func (x *execLog) runs() []time.Duration {
	x.mu.Lock()
	defer x.mu.Unlock()
	return append([]time.Duration(nil), x.at...)
}

func runningContainer(t *testing.T, e *fake.Engine) string {
	t.Helper()
	require.NoError(t, e.ImageImport(t.Context(), strings.NewReader(""), "probe-test:1", nil))
	id, err := e.ContainerCreate(t.Context(), engine.ContainerSpec{Name: "probe-" + t.Name(), Image: "probe-test:1"})
	require.NoError(t, err)
	require.NoError(t, e.ContainerStart(t.Context(), id))
	return id
}

// The probe runs at once, then on the backoff schedule, and the first
// success ends it: no run after it.
func TestProberScheduleFirstSuccessWins(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	x := &execLog{clk: clock.NewFake(t0), t0: t0, fails: 6}
	e := fake.New(fake.WithExec(x.exec))
	id := runningContainer(t, e)
	p := prober{e: e, clock: x.clk, log: slog.New(slog.DiscardHandler), id: id, cmd: []string{"check"},
		hc: engine.Healthcheck{Interval: time.Second}}

	require.True(t, p.untilReady(t.Context()))
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{0, 50 * ms, 150 * ms, 350 * ms, 750 * ms, 1550 * ms, 2550 * ms}, x.runs(),
		"at once, then 50 ms doubling up to the 1 s interval; the 7th run passed and was the last")
	assert.Equal(t, 7, e.Calls(engine.OpContainerExec))
}

// A probe that never passes goes on at the interval until its context
// ends (the up finished or failed); it never decides a failure itself.
func TestProberStopsWithItsContext(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ctx, cancel := context.WithCancel(t.Context())
	x := &execLog{clk: clock.NewFake(t0), t0: t0, fails: 1 << 30}
	e := fake.New(fake.WithExec(func(id string, s engine.ExecSpec) engine.ExecResult {
		r := x.exec(id, s)
		if len(x.runs()) == 20 {
			cancel()
		}
		return r
	}))
	id := runningContainer(t, e)
	p := prober{e: e, clock: x.clk, log: slog.New(slog.DiscardHandler), id: id, cmd: []string{"check"},
		hc: engine.Healthcheck{Interval: 30 * time.Second}}
	assert.False(t, p.untilReady(ctx))
	runs := x.runs()
	require.Len(t, runs, 20)
	assert.Equal(t, time.Second, runs[19]-runs[18], "a second apart once the backoff reached its cap")
}

// A container that is not running (yet, or any more) is a failed probe,
// not a pass; a container that is gone ends the probing.
func TestProberNotRunningIsNotReady(t *testing.T) {
	e := fake.New() // the default exec passes any command in a running container
	require.NoError(t, e.ImageImport(t.Context(), strings.NewReader(""), "probe-test:1", nil))
	id, err := e.ContainerCreate(t.Context(), engine.ContainerSpec{Name: "created", Image: "probe-test:1"})
	require.NoError(t, err)
	p := prober{e: e, clock: clock.Real{}, log: slog.New(slog.DiscardHandler), id: id, cmd: []string{"true"}}
	ok, stop, _ := p.once(t.Context(), time.Second)
	assert.False(t, ok, "created, not started")
	assert.False(t, stop)
	require.NoError(t, e.ContainerStart(t.Context(), id))
	ok, _, _ = p.once(t.Context(), time.Second)
	assert.True(t, ok, "running")
	p.id = "no-such-container"
	ok, stop, _ = p.once(t.Context(), time.Second)
	assert.False(t, ok)
	assert.True(t, stop, "gone: nothing left to probe")
}

// The probe's pass counts as healthy only for a running container, and
// the engine's unhealthy or a death still fail the service.
func TestObservedProbed(t *testing.T) {
	sp := plan.ServicePlan{Healthcheck: true, Probe: []string{"check"}}
	probed := observed{inspected: true, running: true, health: "starting", probed: true}
	assert.True(t, probed.satisfies(sp, compose.ServiceHealthy))
	assert.True(t, probed.ready(sp))
	assert.Equal(t, progress.ReadyProbe, probed.readyPhase(sp))

	notRunning := probed
	notRunning.running = false
	assert.False(t, notRunning.ready(sp), "never ready before the container runs")

	unhealthy := probed
	unhealthy.health, unhealthy.unhealthy = "unhealthy", true
	assert.Equal(t, "turned unhealthy", unhealthy.failure(sp))
	died := probed
	died.running, died.exited, died.died, died.dieCode = false, true, true, 1
	assert.Equal(t, "exited with code 1", died.failure(sp))

	engineSaid := observed{inspected: true, running: true, health: "healthy"}
	assert.Equal(t, progress.HealthyEngine, engineSaid.readyPhase(sp))
	assert.Equal(t, progress.Ready, observed{inspected: true, running: true}.readyPhase(plan.ServicePlan{}))
}

// TestProbeExecIsBoundedAndTakesASlot: a probe's exec is a bounded one, so
// through the gate it waits for an operation slot: with the only slot held
// by a stop waiting out its grace, the run times out in the gate's queue
// without reaching the daemon, and passes once the stop is done.
func TestProbeExecIsBoundedAndTakesASlot(t *testing.T) {
	var mu sync.Mutex
	var specs []engine.ExecSpec
	e := fake.New(fake.WithExec(func(_ string, s engine.ExecSpec) engine.ExecResult {
		mu.Lock()
		defer mu.Unlock()
		specs = append(specs, s)
		return engine.ExecResult{}
	}))
	id := runningContainer(t, e)
	other, err := e.ContainerCreate(t.Context(), engine.ContainerSpec{Name: "other", Image: "probe-test:1"})
	require.NoError(t, err)
	require.NoError(t, e.ContainerStart(t.Context(), other))
	cfg := config.DefaultGate()
	cfg.MaxConcurrentOps, cfg.MinConcurrentOps = 1, 1
	g, err := gate.New(e, gate.Options{Config: cfg, Layout: statedir.Layout{Override: t.TempDir()}})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, g.Close()) })

	block := e.Block(engine.OpContainerStop)
	t.Cleanup(block.Release)
	stopped := make(chan error, 1)
	go func() { stopped <- g.ContainerStop(t.Context(), other, engine.StopOptions{}) }()
	require.NoError(t, block.WaitHeld(t.Context(), 1))

	p := prober{e: g, clock: clock.Real{}, log: slog.New(slog.DiscardHandler), id: id, cmd: []string{"check"}}
	ok, stop, timedOut := p.once(t.Context(), 100*time.Millisecond)
	assert.False(t, ok)
	assert.False(t, stop)
	assert.True(t, timedOut, "the run's time ran out in the gate's queue")
	assert.Zero(t, e.Calls(engine.OpContainerExec), "no exec reached the daemon")

	block.Release()
	require.NoError(t, <-stopped)
	ok, _, _ = p.once(t.Context(), time.Minute)
	assert.True(t, ok)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, specs, 1)
	assert.True(t, specs[0].Bounded, "a probe's exec says it is bounded")
}
