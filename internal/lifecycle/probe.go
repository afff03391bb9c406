package lifecycle

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/berth-dev/berth/internal/clock"
	"github.com/berth-dev/berth/internal/engine"
)

// Active readiness: berth runs a service's health check command itself
// from right after the start, so a service that is ready in 100 ms is
// ready for its dependents in about that, not one health interval later
// (the engine's first probe).
const (
	// probeFirst is the delay before the second probe (the first runs at
	// once); each delay after doubles, up to the health check's interval
	// and at most probeMax.
	probeFirst = 50 * time.Millisecond
	// probeMax caps the delay: a service slow to start is seen within a
	// second of being ready even when the interval is the default 30 s
	// (doubling alone would probe at 3.2 s, 6.4 s, 12.8 s...). It costs
	// one exec a second while a slow service starts, what a 1 s interval
	// costs the engine.
	probeMax = time.Second
	// engineDefaultInterval and engineDefaultTimeout are the engine's
	// defaults for a health check that sets none.
	engineDefaultInterval = 30 * time.Second
	engineDefaultTimeout  = 30 * time.Second
	// probeTimeoutGrowth bounds how far a run's timeout grows past the
	// health check's own after runs that timed out (see
	// [nextProbeTimeout]).
	probeTimeoutGrowth = 4
)

// nextProbeTimeout is the time the next probe run gets, after a run that
// had cur and timed out or not; base is the health check's timeout. A run
// past its timeout doubles the next one's, up to [probeTimeoutGrowth]
// times base; a run that ended in time goes back to base. The time of a
// run includes the daemon's creating and starting the exec, which on a
// busy daemon (20 dedicated copies of a six-service stack on 2 cores)
// alone takes the demo's 2 s: every run timed out for 25 s on end while
// the check itself takes milliseconds. A probe only ever decides ready,
// never unhealthy (that is the engine's verdict with the check's own
// timeout), so giving a run more time cannot fail a service; it also stops
// berth from leaving an exec behind in the daemon every few seconds.
func nextProbeTimeout(cur, base time.Duration, timedOut bool) time.Duration {
	if !timedOut {
		return base
	}
	return min(2*cur, probeTimeoutGrowth*base)
}

// nextProbeDelay is the wait after a failed probe that followed a wait
// of prev (0 after the first probe): [probeFirst], then doubling, never
// more than interval (the engine's default when 0) nor [probeMax].
func nextProbeDelay(prev, interval time.Duration) time.Duration {
	if interval <= 0 {
		interval = engineDefaultInterval
	}
	if prev <= 0 {
		return min(probeFirst, interval, probeMax)
	}
	return min(2*prev, interval, probeMax)
}

// prober runs one service's health check command in its container.
type prober struct {
	e     engine.Engine
	clock clock.Clock
	log   *slog.Logger
	id    string   // the container
	cmd   []string // [plan.ServicePlan.Probe]
	hc    engine.Healthcheck
}

// untilReady runs the probe at once and then after each
// [nextProbeDelay] until it exits 0, and reports true then; it reports
// false when ctx ends first, or when the container is gone. Each run is
// bounded by the health check's timeout (the engine's default when 0),
// longer after runs that timed out ([nextProbeTimeout]).
// A run that fails to start or fails in the daemon (the container not
// running yet or any more, the gate refusing) counts as a failed probe:
// whether the service failed is the engine's verdict and the watcher's to
// say, never the probe's.
func (p prober) untilReady(ctx context.Context) bool {
	var delay time.Duration
	base := p.checkTimeout()
	timeout := base
	for attempt := 1; ; attempt++ {
		ok, stop, timedOut := p.once(ctx, timeout)
		if ok {
			p.log.Debug("readiness probe passed", "container", shortID(p.id), "attempt", attempt)
			return true
		}
		if stop || ctx.Err() != nil {
			return false
		}
		timeout = nextProbeTimeout(timeout, base, timedOut)
		delay = nextProbeDelay(delay, p.hc.Interval)
		select {
		case <-ctx.Done():
			return false
		case <-p.clock.After(delay):
		}
	}
}

// checkTimeout is the health check's timeout, the engine's default when
// it sets none.
func (p prober) checkTimeout() time.Duration {
	if p.hc.Timeout <= 0 {
		return engineDefaultTimeout
	}
	return p.hc.Timeout
}

// once runs the probe one time, bounded by timeout: ok when it exited 0,
// stop when there is no container to probe any more, timedOut when the
// run (not ctx) ended at its timeout. The exec is bounded
// ([engine.ExecSpec.Bounded]): through the gate it holds an operation
// slot, and its timeout includes the wait for one (a run that timed out
// in the gate's queue reached no daemon; the next gets more time).
func (p prober) once(ctx context.Context, timeout time.Duration) (ok, stop, timedOut bool) {
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := p.e.ContainerExec(rctx, p.id, engine.ExecSpec{Cmd: p.cmd, Bounded: true})
	timedOut = ctx.Err() == nil && errors.Is(rctx.Err(), context.DeadlineExceeded)
	switch {
	case errors.Is(err, engine.ErrNotFound):
		return false, true, false
	case err != nil:
		if ctx.Err() == nil {
			p.log.Debug("readiness probe could not run", "container", shortID(p.id), "err", err, "timeout", timeout)
		}
		return false, false, timedOut
	}
	return res.ExitCode == 0, false, timedOut
}
