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
)

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
// bounded by the health check's timeout (the engine's default when 0).
// A run that fails to start or fails in the daemon (the container not
// running yet or any more, the gate refusing) counts as a failed probe:
// whether the service failed is the engine's verdict and the watcher's to
// say, never the probe's.
func (p prober) untilReady(ctx context.Context) bool {
	var delay time.Duration
	for attempt := 1; ; attempt++ {
		ok, stop := p.once(ctx)
		if ok {
			p.log.Debug("readiness probe passed", "container", shortID(p.id), "attempt", attempt)
			return true
		}
		if stop || ctx.Err() != nil {
			return false
		}
		delay = nextProbeDelay(delay, p.hc.Interval)
		select {
		case <-ctx.Done():
			return false
		case <-p.clock.After(delay):
		}
	}
}

// once runs the probe one time: ok when it exited 0, stop when there is
// no container to probe any more.
func (p prober) once(ctx context.Context) (ok, stop bool) {
	timeout := p.hc.Timeout
	if timeout <= 0 {
		timeout = engineDefaultTimeout
	}
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := p.e.ContainerExec(rctx, p.id, engine.ExecSpec{Cmd: p.cmd})
	switch {
	case errors.Is(err, engine.ErrNotFound):
		return false, true
	case err != nil:
		if ctx.Err() == nil {
			p.log.Debug("readiness probe could not run", "container", shortID(p.id), "err", err)
		}
		return false, false
	}
	return res.ExitCode == 0, false
}
