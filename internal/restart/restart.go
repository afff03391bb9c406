package restart

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/berth-dev/berth/internal/acquire"
	"github.com/berth-dev/berth/internal/failure"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/policy"
	"github.com/berth-dev/berth/internal/resolve"
	"github.com/berth-dev/berth/internal/store"
)

// Restart restarts service sp of environment envID unless it is healthy
// (running, and healthy when it has a health check); force restarts a
// healthy one too and overrides the limits (recorded as forced). The
// decision is taken under the environment's lock, so simultaneous callers
// in any process decide one at a time: the first restarts the service,
// the others then find it healthy. A refusal is recorded and returned as
// a [*RefusedError].
func (r *Restarter) Restart(ctx context.Context, envID string, sp plan.ServicePlan, pol policy.RestartPolicy, force bool) (Result, error) {
	unlock, err := r.Locks.Acquire(ctx, lock.EnvName(envID))
	if err != nil {
		return Result{EnvID: envID, Service: sp.Name}, err
	}
	defer unlock()
	return r.restartLocked(ctx, envID, sp, pol, force)
}

// Unhealthy restarts in place, with force (recorded as forced), every
// service of shared environment e that has a container but is not
// healthy; healthy services are left alone. It is what `berth run
// --force-restart` does before acquiring, so the acquisition reuses the
// repaired environment instead of recreating it whole. An environment
// that is not up is left alone. It stops at the first failed restart.
func (r *Restarter) Unhealthy(ctx context.Context, e *resolve.Env) ([]Result, error) {
	unlock, err := r.Locks.Acquire(ctx, lock.EnvName(e.ID()))
	if err != nil {
		return nil, err
	}
	defer unlock()
	st, err := lifecycle.Status(ctx, r.Engine, e.ID())
	if err != nil {
		return nil, err
	}
	// A service berth's own probe found ready may still read "starting"
	// at the engine until its first health check: it is not unhealthy.
	st = lifecycle.ConfirmStarting(ctx, r.Engine, st, e.Plan)
	var out []Result
	for _, name := range slices.Sorted(maps.Keys(e.Plan.Services)) {
		sp := e.Plan.Services[name]
		if !slices.ContainsFunc(st.Services, func(s lifecycle.ServiceStatus) bool { return s.Service == name }) {
			continue // no container: the acquisition recreates the environment
		}
		if ok, _ := st.Healthy(&plan.Plan{Services: map[string]plan.ServicePlan{name: sp}}); ok {
			continue
		}
		res, err := r.restartLocked(ctx, e.ID(), sp, e.Restart, true)
		if err != nil {
			return out, err
		}
		out = append(out, res)
	}
	return out, nil
}

// restartLocked decides and, if allowed, restarts service sp of envID.
// The caller holds the environment's lock.
func (r *Restarter) restartLocked(ctx context.Context, envID string, sp plan.ServicePlan, pol policy.RestartPolicy, force bool) (Result, error) {
	res := Result{EnvID: envID, Service: sp.Name}
	st, err := lifecycle.Status(ctx, r.Engine, envID)
	if err != nil {
		return res, err
	}
	if len(st.Services) == 0 {
		return res, fmt.Errorf("restart service %s: environment %s is not up (berth ps lists what is): %w", sp.Name, envID, failure.ErrNoSuchEnv)
	}
	if !slices.ContainsFunc(st.Services, func(s lifecycle.ServiceStatus) bool { return s.Service == sp.Name }) {
		var names []string
		for _, s := range st.Services {
			names = append(names, s.Service)
		}
		return res, failure.Input(fmt.Errorf("restart: environment %s has no service %q (services: %s)",
			envID, sp.Name, strings.Join(slices.Compact(names), ", ")))
	}
	one := &plan.Plan{Services: map[string]plan.ServicePlan{sp.Name: sp}}
	st = lifecycle.ConfirmStarting(ctx, r.Engine, st, one) // as in Unhealthy
	healthy, problem := st.Healthy(one)
	if healthy && !force {
		res.Action, res.Reason = None, "healthy; nothing to do"
		return res, nil
	}
	if problem == "" {
		problem = "service " + sp.Name + " is healthy"
	}
	now := r.Clock.Now()
	v, err := r.verdict(ctx, envID, sp.Name, pol, force, now)
	if err != nil {
		return res, err
	}
	if !v.Allowed {
		r.record(ctx, store.RestartRecord{Time: now, EnvID: envID, Service: sp.Name, Kind: store.RestartRefused, Reason: v.Reason})
		return res, &RefusedError{Service: sp.Name, Reason: v.Reason, NextAllowed: v.NextAllowed}
	}
	res.Action, res.Reason = Restarted, problem
	kind := store.RestartDone
	if force {
		res.Action, kind = Forced, store.RestartForced
	}
	// Recorded before the attempt: an attempt counts against the limits
	// even if it fails or berth dies during it.
	r.record(ctx, store.RestartRecord{Time: now, EnvID: envID, Service: sp.Name, Kind: kind, Reason: res.Reason})
	wait := lifecycle.RestartOptions{Healthcheck: sp.Healthcheck, Log: r.Log, Timeout: r.WaitTimeout}
	if err := lifecycle.RestartService(ctx, r.Engine, envID, sp.Name, wait); err != nil {
		return res, err
	}
	res.Took = r.Clock.Now().Sub(now)
	r.refreshEndpoints(ctx, envID)
	return res, nil
}

func (r *Restarter) record(ctx context.Context, rec store.RestartRecord) {
	if err := r.Store.RecordRestart(ctx, rec); err != nil {
		r.Log.Warn("record restart", "service", rec.Service, "kind", rec.Kind, "err", err)
	}
}

// refreshEndpoints stores the environment's endpoints again: a restarted
// container may have been given other ephemeral host ports.
func (r *Restarter) refreshEndpoints(ctx context.Context, envID string) {
	rec, err := r.Store.Env(ctx, envID)
	if errors.Is(err, store.ErrNotFound) {
		return
	}
	st, serr := lifecycle.Status(ctx, r.Engine, envID)
	if err = errors.Join(err, serr); err == nil {
		rec.Endpoints = acquire.Vars(r.Engine.Endpoint(), st)
		err = r.Store.PutEnv(ctx, rec)
	}
	if err != nil {
		r.Log.Warn("refresh endpoints after restart", "env", envID, "err", err)
	}
}
