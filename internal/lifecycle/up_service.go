package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/progress"
)

// startService waits for the depends_on conditions of service name, then
// starts its container (created by [upRun.createAll], or now), and adds
// to ready a wait for the service to be ready.
// A timer of [UpOptions.WaitTimeout] starts once the container is started;
// if the service is not ready when it fires, failUp ends the up with a
// [*TimeoutError].
func (r *upRun) startService(ctx context.Context, name string, ready *sync.WaitGroup, failUp context.CancelCauseFunc) error {
	sp := r.p.Services[name]
	if err := r.w.await(ctx, r.depsMet(name, sp)); err != nil {
		return err
	}
	t0 := time.Now()
	fail := func(reason, id string, err error) error {
		if ctx.Err() != nil { // another failure, or the caller, stopped the up
			return context.Cause(ctx)
		}
		r.rep.Service(name, progress.Failed, time.Since(t0))
		return &ServiceError{Service: name, ContainerID: id, Reason: reason, Err: err}
	}
	id, createdNow, err := r.containerOf(ctx, name, sp)
	if err != nil {
		if !createdNow {
			return err // the early create failed the up, or the up ended
		}
		return fail("could not be created", "", err)
	}
	r.w.track(name, id)
	r.rep.Service(name, progress.Starting, time.Since(t0))
	if err := r.e.ContainerStart(ctx, id); err != nil {
		return fail("could not be started", id, err)
	}
	// The first inspection tells whether the image brings a health check
	// of its own, before anyone judges this service's health.
	if err := r.w.inspect(ctx, id); err != nil {
		return fail("could not be inspected", id, err)
	}
	timer := time.AfterFunc(r.o.WaitTimeout, func() {
		if err := r.timeout(name); err != nil {
			failUp(err)
		}
	})
	pctx, stopProbe := context.WithCancel(ctx)
	if sp.Probe != nil && sp.Spec.Healthcheck != nil {
		// Started only now, after the start returned and the container
		// was seen: a check that passes at once cannot make the service
		// ready before it runs.
		p := prober{e: r.e, clock: r.o.Clock, log: r.o.Log, id: id, cmd: sp.Probe, hc: *sp.Spec.Healthcheck}
		ready.Go(func() {
			if p.untilReady(pctx) {
				r.w.markProbed(id)
			}
		})
	}
	ready.Go(func() {
		defer timer.Stop()
		defer stopProbe() // ready by the engine's verdict, or failed: probing ends
		r.awaitReady(ctx, name, sp, t0)
	})
	return nil
}

// create creates the service's container. A container of that name that
// this environment created already (an earlier, interrupted up) is used
// as it is.
func (r *upRun) create(ctx context.Context, sp plan.ServicePlan) (string, error) {
	id, err := r.e.ContainerCreate(ctx, fileMounts(r.o.FilesDir, r.p.ID.EnvID, sp))
	if !errors.Is(err, engine.ErrConflict) {
		return id, err
	}
	c, ierr := r.e.ContainerInspect(ctx, sp.Spec.Name)
	if ierr != nil || c.Labels[labels.Env] != r.p.ID.EnvID || c.Labels[labels.ComposeService] != sp.Name {
		return "", err
	}
	if f := foreignTo(sp.Spec.Labels, c.Labels); f != "" {
		return "", fmt.Errorf("container %s exists, made by another berth state directory (%s): %w; it is not reused, nor removed",
			c.Name, f, ErrNotOwned)
	}
	r.o.Log.Info("reusing existing container", "service", sp.Name, "container", c.Name)
	return c.ID, nil
}

// awaitReady waits until service name is ready and reports it, saying
// which path declared it ready (see [observed.readyPhase]); a failure
// is reported by whoever sees it (the failure cancels ctx).
func (r *upRun) awaitReady(ctx context.Context, name string, sp plan.ServicePlan, t0 time.Time) {
	reported := false
	phase := progress.Ready
	err := r.w.await(ctx, func(v view) (bool, error) {
		o, _, _ := v(name)
		if o.ready(sp) {
			phase = o.readyPhase(sp)
			return true, nil
		}
		if !reported {
			reported = true
			r.rep.Service(name, progress.Waiting, time.Since(t0))
		}
		return false, nil
	})
	if err == nil {
		r.rep.Service(name, phase, time.Since(t0))
		return
	}
	se, isService := errors.AsType[*ServiceError](err)
	_, isTimeout := errors.AsType[*TimeoutError](err)
	if (isService && se.Service == name) || isTimeout {
		r.rep.Service(name, progress.Failed, time.Since(t0))
	}
}

// depsMet is the condition "every dependency of service name meets its
// condition"; a dependency that failed is the error.
func (r *upRun) depsMet(name string, sp plan.ServicePlan) func(view) (bool, error) {
	deps := slices.Sorted(maps.Keys(sp.DependsOn))
	return func(v view) (bool, error) {
		for _, dep := range deps {
			o, id, ok := v(dep)
			if !ok {
				return false, nil
			}
			dsp := r.p.Services[dep]
			if why := o.failure(dsp); why != "" {
				return false, &ServiceError{Service: dep, ContainerID: id, Reason: why, Waiter: name}
			}
			if !o.satisfies(dsp, sp.DependsOn[dep]) {
				return false, nil
			}
		}
		return true, nil
	}
}

// anyFailed is the condition that fails when any created service failed.
func (r *upRun) anyFailed(v view) (bool, error) {
	for _, name := range slices.Sorted(maps.Keys(r.p.Services)) {
		o, id, ok := v(name)
		if !ok {
			continue
		}
		if why := o.failure(r.p.Services[name]); why != "" {
			return false, &ServiceError{Service: name, ContainerID: id, Reason: why}
		}
	}
	return false, nil
}

// timeout is the [TimeoutError] of service late, whose readiness deadline
// passed, listing every service not ready now; nil when late is ready.
func (r *upRun) timeout(late string) error {
	te := &TimeoutError{After: r.o.WaitTimeout, Service: late}
	lateReady := false
	r.w.snapshot(func(v view) {
		if o, _, ok := v(late); ok && o.ready(r.p.Services[late]) {
			lateReady = true
			return
		}
		for _, name := range slices.Sorted(maps.Keys(r.p.Services)) {
			sp := r.p.Services[name]
			o, id, ok := v(name)
			switch {
			case !ok:
				te.Pending = append(te.Pending, Pending{Service: name, State: "not created", Waits: "for its dependencies"})
			case !o.ready(sp):
				te.Pending = append(te.Pending, Pending{Service: name, State: o.state(), Health: o.health,
					Waits: waitsFor(sp, o), containerID: id})
			}
		}
	})
	if lateReady || len(te.Pending) == 0 {
		return nil
	}
	return te
}
