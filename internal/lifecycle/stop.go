package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// DefaultGrace is the grace period for a container that sets none, the
// daemon's own default.
const DefaultGrace = 10 * time.Second

// DefaultMargin is how long past the grace period [StopAndRemove] waits for
// a stopped container to be reported as exited.
const DefaultMargin = 10 * time.Second

// killedExitCode is the exit code of a process ended by SIGKILL (128+9).
const killedExitCode = 137

// StopOptions tune [StopAndRemove]. The zero value is the safe default.
type StopOptions struct {
	// Grace, when > 0, overrides the container's own grace period
	// (its StopTimeout, else [DefaultGrace]).
	Grace time.Duration
	// Margin, when > 0, replaces [DefaultMargin].
	Margin time.Duration
}

// Result says what [StopAndRemove] did to one container.
type Result struct {
	ID   string
	Name string // "" when the container was already gone
	// Gone: the container did not exist when first inspected.
	Gone bool
	// WasRunning: the container was running (or restarting or paused)
	// and this call stopped it.
	WasRunning bool
	// StopTook is from the stop request to the verified exit.
	StopTook time.Duration
	// ExitCode is the container's exit code after the stop.
	ExitCode int
	// Killed: the container ignored its stop signal and was killed after
	// the grace period (exit code 137).
	Killed bool
	// Removed: this call removed the container. False when it was gone
	// already or a racing remover finished first.
	Removed bool
}

// StopAndRemove takes container id down gracefully: inspect; if it runs,
// stop it with its own stop signal and grace period (opts.Grace
// overrides); inspect until it is not running, for at most the grace
// period plus the margin; then remove it and its anonymous volumes,
// without force. A container that is "created", "exited" or "dead" is
// removed without a stop.
//
// A container still running after that is not removed: the error is a
// [*NotStoppedError]. "Not found" at any step counts as done, so the call
// is idempotent and a racing remover is harmless.
func StopAndRemove(ctx context.Context, e engine.Engine, id string, opts StopOptions) (Result, error) {
	res := Result{ID: id}
	c, err := e.ContainerInspect(ctx, id)
	if errors.Is(err, engine.ErrNotFound) {
		res.Gone = true
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("inspect container %s: %w", id, err)
	}
	res.ID, res.Name = c.ID, c.Name
	if isRunning(c.State) {
		gone, err := stopVerified(ctx, e, c, opts, &res)
		if err != nil || gone {
			return res, err
		}
	}
	removed, err := removeStopped(ctx, e, c, opts.margin())
	res.Removed = removed
	return res, err
}

// stopVerified stops running container c and waits until inspection says
// it is not running. gone is true when the container disappeared meanwhile.
func stopVerified(ctx context.Context, e engine.Engine, c engine.Container, opts StopOptions, res *Result) (gone bool, err error) {
	grace := opts.grace(c)
	var so engine.StopOptions // the container's own signal and grace period
	if opts.Grace > 0 || (c.StopTimeout != nil && *c.StopTimeout < 0) {
		// An override, or a container that asks to wait forever: berth
		// always kills after a bounded grace period.
		so.Timeout = &grace
	}
	res.WasRunning = true
	start := time.Now()
	stopErr := e.ContainerStop(ctx, c.ID, so)
	if errors.Is(stopErr, engine.ErrNotFound) {
		return true, nil
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("stop container %s: %w", c.Name, errors.Join(err, stopErr))
	}
	// Whatever the stop call answered (it may also have timed out on the
	// client side), the container's state decides.
	deadline := start.Add(grace + opts.margin())
	after, found, err := waitNotRunning(ctx, e, c.ID, deadline)
	res.StopTook = time.Since(start)
	if err != nil {
		return false, fmt.Errorf("stop container %s: %w", c.Name, errors.Join(err, stopErr))
	}
	if !found {
		return true, nil
	}
	if isRunning(after.State) {
		return false, &NotStoppedError{ID: c.ID, Name: c.Name, Waited: res.StopTook, Err: stopErr}
	}
	res.ExitCode = after.State.ExitCode
	res.Killed = after.State.ExitCode == killedExitCode
	return false, nil
}

func (o StopOptions) grace(c engine.Container) time.Duration {
	switch {
	case o.Grace > 0:
		return o.Grace
	case c.StopTimeout != nil && *c.StopTimeout >= 0:
		return *c.StopTimeout
	default:
		return DefaultGrace
	}
}

func (o StopOptions) margin() time.Duration {
	if o.Margin > 0 {
		return o.Margin
	}
	return DefaultMargin
}

// isRunning reports whether a container has (or may soon have) a live
// process: running, paused or restarting.
func isRunning(s engine.ContainerState) bool {
	switch s.Status {
	case "running", "restarting", "paused":
		return true
	}
	return s.Running || s.Restarting
}
