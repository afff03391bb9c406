package gate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/engine"
)

// callDeadline is how long one attempt of op may wait for the daemon's
// answer; 0 means no deadline. Reads get cfg.ReadTimeout; calls that change
// the daemon, and disk usage (which the daemon computes by walking its
// storage), get cfg.WriteTimeout. Streams (events, logs, exec), pulls,
// imports, builds and build-cache prunes get none: they last as long as
// their work and end with their stream. A stop's deadline is
// [stopDeadline], which adds the container's grace period.
func callDeadline(op engine.Op, cfg config.Gate) time.Duration {
	switch op {
	case engine.OpEvents, engine.OpContainerLogs, engine.OpContainerExec,
		engine.OpImagePull, engine.OpImageImport, engine.OpImageBuild, engine.OpBuildCachePrune:
		return 0
	case engine.OpDiskUsage:
		return cfg.WriteTimeout
	}
	if op.Mutating() {
		return cfg.WriteTimeout
	}
	return cfg.ReadTimeout
}

// stopDeadline is a stop's deadline: the daemon answers a stop only after
// the container exits, which may take its whole grace period (grace nil: the
// container's own, unknown here, so the write deadline).
func stopDeadline(grace *time.Duration, cfg config.Gate) time.Duration {
	if grace == nil {
		return cfg.WriteTimeout
	}
	return *grace + cfg.ReadTimeout
}

// DeadlineError is a call the daemon did not answer within its deadline:
// a daemon that accepts connections but never answers (a wedged Docker
// Desktop). It is [engine.ErrUnavailable], so the shared breaker counts it
// like a refused connection; the gate does not retry it, since a mutating
// call may have taken effect.
type DeadlineError struct {
	Op       engine.Op
	Endpoint string
	After    time.Duration
}

func (e *DeadlineError) Error() string {
	return fmt.Sprintf("%s: the Docker daemon at %s did not answer within %s", e.Op, e.Endpoint, e.After)
}

// Unwrap makes the error [engine.ErrUnavailable].
func (e *DeadlineError) Unwrap() error { return engine.ErrUnavailable }

// within calls fn with a context that ends after d (no deadline when d is
// 0). When that deadline, not the caller's context, ended the call, the
// result is a [DeadlineError], whatever fn returned.
func within[T any](ctx context.Context, g *Gate, op engine.Op, d time.Duration, fn func(context.Context) (T, error)) (T, error) {
	if d <= 0 {
		return fn(ctx)
	}
	cctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	v, err := fn(cctx)
	if err != nil && ctx.Err() == nil && errors.Is(cctx.Err(), context.DeadlineExceeded) {
		return v, permanent(&DeadlineError{Op: op, Endpoint: g.Endpoint(), After: d})
	}
	return v, err
}
