package docker

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/moby/moby/client/pkg/versions"

	"github.com/berth-dev/berth/internal/engine"
)

// apiStopSignal is the first API version whose stop takes a signal.
const apiStopSignal = "1.42"

// defaultGrace is the daemon's stop timeout when a container sets none.
const defaultGrace = 10 * time.Second

// ContainerStop sends the stop signal (opts.Signal, else the container's),
// waits up to opts.Timeout (rounded up to whole seconds; nil = the
// container's grace period), then kills. It returns when the daemon reports
// the container stopped. Daemons before API 1.42 ignore a stop signal, so
// there the engine sends opts.Signal itself, waits, and kills on timeout.
func (e *Engine) ContainerStop(ctx context.Context, id string, opts engine.StopOptions) error {
	const op = engine.OpContainerStop
	if opts.Signal != "" {
		v, err := e.apiVersion(ctx)
		if err != nil {
			return wrap(op, err)
		}
		if versions.LessThan(v, apiStopSignal) {
			return wrap(op, e.stopWithSignal(ctx, id, opts))
		}
	}
	so := client.ContainerStopOptions{Signal: opts.Signal}
	if opts.Timeout != nil {
		secs := int(math.Ceil(opts.Timeout.Seconds()))
		so.Timeout = &secs
	}
	_, err := e.cli.ContainerStop(ctx, id, so)
	return wrap(op, err)
}

// stopWithSignal is stop with a signal for daemons that cannot: signal,
// wait up to the grace period for the container to stop, then SIGKILL and
// wait again. A container that is not running is already stopped.
func (e *Engine) stopWithSignal(ctx context.Context, id string, opts engine.StopOptions) error {
	insp, err := e.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return err
	}
	c := containerFromInspect(insp.Container)
	if !c.State.Running {
		return nil
	}
	grace := defaultGrace
	switch {
	case opts.Timeout != nil:
		grace = *opts.Timeout
	case c.StopTimeout != nil:
		grace = *c.StopTimeout
	}
	waitCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Wait before signalling, so a quick exit is not missed.
	w := e.cli.ContainerWait(waitCtx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	if err := ignoreNotRunning(e.kill(ctx, id, opts.Signal)); err != nil {
		return fmt.Errorf("stop container %s: send %s: %w", id, opts.Signal, err)
	}
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case <-w.Result:
		return nil
	case err := <-w.Error:
		return fmt.Errorf("stop container %s: wait: %w", id, err)
	case <-timer.C:
	}
	if err := ignoreNotRunning(e.kill(ctx, id, "SIGKILL")); err != nil {
		return fmt.Errorf("stop container %s: kill after %s: %w", id, grace, err)
	}
	select {
	case <-w.Result:
		return nil
	case err := <-w.Error:
		return fmt.Errorf("stop container %s: wait after kill: %w", id, err)
	}
}

func (e *Engine) kill(ctx context.Context, id, signal string) error {
	_, err := e.cli.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: signal})
	return err
}

// ignoreNotRunning drops the daemon's refusal to signal a container that
// has already stopped (409 "is not running").
func ignoreNotRunning(err error) error {
	if err != nil && classify(err) == engine.ErrConflict {
		return nil
	}
	return err
}
