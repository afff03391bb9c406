package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/plan"
)

// RestartOptions tune [RestartService]. The zero value is the safe default.
type RestartOptions struct {
	// Stop tunes the graceful stop; the zero value uses the container's
	// own stop signal and grace period.
	Stop StopOptions
	// Timeout bounds the wait for the service to be ready again, from the
	// start request ([DefaultWaitTimeout] when 0).
	Timeout time.Duration
	// Healthcheck: the compose file declares a health check, so readiness
	// is "healthy". Without it a health check the engine reports (one the
	// image brings) still counts.
	Healthcheck bool
	Log         *slog.Logger
	// PollInterval is how often the container is inspected next to the
	// event stream (1 s when 0).
	PollInterval time.Duration
}

func (o RestartOptions) withDefaults() RestartOptions {
	if o.Timeout <= 0 {
		o.Timeout = DefaultWaitTimeout
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.PollInterval <= 0 {
		o.PollInterval = pollEvery
	}
	return o
}

// errRestartTimeout is the cause of the ready wait's deadline.
var errRestartTimeout = errors.New("restart wait timed out")

// RestartService restarts the container of service in environment envID
// in place: if it runs, a graceful stop (its own signal and grace period,
// then kill) verified by inspection, as [StopAndRemove] does but without
// removing it; then a start; then a wait, bounded by o.Timeout, until the
// service is ready as [Up] defines it (healthy when it has a health check,
// else running).
//
// A service with no container is an error wrapping [engine.ErrNotFound].
// A service that exits, is OOM-killed or turns unhealthy after the start
// is a [*ServiceError] with its last log lines; one not ready in time is a
// [*TimeoutError]. A container that will not stop is a [*NotStoppedError]
// and is not started again. RestartService takes no lock: the caller
// serializes restarts of one environment.
func RestartService(ctx context.Context, e engine.Engine, envID, service string, o RestartOptions) error {
	o = o.withDefaults()
	c, err := serviceContainer(ctx, e, envID, service)
	if err != nil {
		return err
	}
	if isRunning(c.State) {
		var res Result
		gone, err := stopVerified(ctx, e, c, o.Stop, &res)
		if err != nil {
			return fmt.Errorf("restart service %s: %w", service, err)
		}
		if gone {
			return fmt.Errorf("restart service %s: container %s was removed meanwhile: %w", service, c.Name, engine.ErrNotFound)
		}
		o.Log.Debug("service stopped for restart", "service", service, "took", res.StopTook, "killed", res.Killed)
	}
	return startAndWait(ctx, e, envID, service, c.ID, o)
}

// serviceContainer finds the one container of service in envID.
func serviceContainer(ctx context.Context, e engine.Engine, envID, service string) (engine.Container, error) {
	cs, err := e.ContainerList(ctx, engine.ListFilter{All: true,
		Labels: map[string]string{labels.Env: envID, labels.ComposeService: service}})
	if err != nil {
		return engine.Container{}, fmt.Errorf("restart service %s: list containers: %w", service, err)
	}
	if len(cs) == 0 {
		return engine.Container{}, fmt.Errorf("restart service %s: no container in environment %s: %w", service, envID, engine.ErrNotFound)
	}
	if len(cs) > 1 {
		names := make([]string, len(cs))
		for i, c := range cs {
			names[i] = c.Name
		}
		slices.Sort(names)
		return engine.Container{}, fmt.Errorf("restart service %s: %d containers (%v); berth runs one per service", service, len(cs), names)
	}
	c, err := e.ContainerInspect(ctx, cs[0].ID)
	if err != nil {
		return c, fmt.Errorf("restart service %s: inspect container %s: %w", service, cs[0].Name, err)
	}
	return c, nil
}

// startAndWait starts container id of service and waits until it is
// ready, following the environment's events as [Up] does. The watch
// begins after the stop, so the stop's own die event is not a failure.
func startAndWait(parent context.Context, e engine.Engine, envID, service, id string, o RestartOptions) error {
	ctx, cancel := context.WithCancel(parent)
	var bg sync.WaitGroup
	defer func() {
		cancel()
		bg.Wait()
	}()
	w := newWatcher(e, o.Log)
	subscribed := make(chan struct{})
	bg.Go(func() { w.run(ctx, envID, o.PollInterval, subscribed) })
	<-subscribed
	t0 := time.Now()
	if err := e.ContainerStart(ctx, id); err != nil {
		return &ServiceError{Service: service, ContainerID: id, Reason: "could not be started", Err: err}
	}
	w.track(service, id)
	if err := w.inspect(ctx, id); err != nil {
		return &ServiceError{Service: service, ContainerID: id, Reason: "could not be inspected", Err: err}
	}
	sp := plan.ServicePlan{Name: service, Healthcheck: o.Healthcheck}
	wctx, wcancel := context.WithTimeoutCause(ctx, o.Timeout, errRestartTimeout)
	defer wcancel()
	err := w.await(wctx, func(v view) (bool, error) {
		ob, _, _ := v(service)
		if why := ob.failure(sp); why != "" {
			return false, &ServiceError{Service: service, ContainerID: id, Reason: why}
		}
		return ob.ready(sp), nil
	})
	switch {
	case err == nil:
		o.Log.Debug("service restarted", "service", service, "ready after", time.Since(t0))
		return nil
	case errors.Is(err, errRestartTimeout):
		te := &TimeoutError{After: o.Timeout}
		w.snapshot(func(v view) {
			ob, _, _ := v(service)
			te.Pending = []Pending{{Service: service, State: ob.state(), Health: ob.health, Waits: waitsFor(sp, ob), containerID: id}}
		})
		te.Pending[0].Logs = tailLogs(parent, e, id)
		return te
	}
	if se, ok := errors.AsType[*ServiceError](err); ok {
		c := *se
		c.Logs = tailLogs(parent, e, id)
		return &c
	}
	return fmt.Errorf("restart service %s: %w", service, err)
}

// tailLogs returns the last log lines of container id, for errors.
func tailLogs(ctx context.Context, e engine.Engine, id string) []string {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	out, err := engine.Logs(lctx, e, id, engine.LogOptions{Tail: logTail})
	if err != nil {
		return []string{"(logs unavailable: " + err.Error() + ")"}
	}
	return splitLogs(out)
}
