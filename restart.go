package berth

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/policy"
	"github.com/berth-dev/berth/internal/store"
)

// Actions of a [RestartResult].
const (
	RestartNone      = "none"      // the service was healthy: nothing done
	RestartRestarted = "restarted" // restarted within the limits
	RestartForced    = "forced"    // restarted with force, whatever the limits
)

// RestartResult says what [Manager.Restart] did.
type RestartResult struct {
	EnvID   string `json:"env"`
	Service string `json:"service"`
	// Action is [RestartNone], [RestartRestarted] or [RestartForced].
	Action string `json:"action"`
	// Reason says why: "healthy; nothing to do", or the state that made
	// the restart necessary and the limiter's verdict.
	Reason string        `json:"reason"`
	Took   time.Duration `json:"took_ns,omitempty"`
}

// RestartRefusedError is a restart the limiter refused: the service was
// restarted too recently (cooldown) or too often (attempts per window).
// The CLI exits 4 on it.
type RestartRefusedError struct {
	Service     string
	Reason      string
	NextAllowed time.Time
}

func (e *RestartRefusedError) Error() string {
	msg := fmt.Sprintf("restart of service %s refused: %s", e.Service, e.Reason)
	if !e.NextAllowed.IsZero() {
		msg += fmt.Sprintf("; next attempt allowed at %s (in %s)", e.NextAllowed.Format(time.RFC3339),
			max(0, time.Until(e.NextAllowed)).Round(time.Second))
	}
	return msg + "; --force overrides the limits"
}

// Restart restarts service of the shared environment o describes, unless
// it is healthy (running, and healthy when it has a health check): a
// healthy service is left alone unless force is set.
//
// The decision is taken under the environment's lock, so simultaneous
// callers, in any process, decide one at a time: the first restarts the
// service (stop with its signal and grace period, start, wait until
// ready), the others then find it healthy and do nothing. Restarts are
// limited per (environment, service) by the restart policy (cooldown,
// attempts per window; BERTH_RESTART_COOLDOWN, BERTH_MAX_RESTART_ATTEMPTS,
// BERTH_RESTART_WINDOW, x-berth.restart), with a history shared by every
// berth process of the daemon; a refusal is recorded and returned as a
// [*RestartRefusedError]. force overrides the limits and is recorded as
// forced. An unknown service is an [*InputError], found before any Docker
// call.
func (m *Manager) Restart(ctx context.Context, o Options, service string, force bool) (RestartResult, error) {
	r, err := m.resolveShared(ctx, o)
	if err != nil {
		return RestartResult{}, err
	}
	return m.RestartEnv(ctx, r.plan.ID.EnvID, o, service, force)
}

// RestartEnv is [Manager.Restart] for environment envID (berth restart
// --env). When o names compose files, they supply x-berth.restart, which
// services exist and which declare a health check; otherwise the
// environment variables and defaults apply, and the daemon's view of the
// environment decides.
func (m *Manager) RestartEnv(ctx context.Context, envID string, o Options, service string, force bool) (RestartResult, error) {
	res := RestartResult{EnvID: envID, Service: service}
	pol, sp, err := m.restartSetup(ctx, o, service)
	if err != nil {
		return res, err
	}
	db, locks, err := m.state(ctx)
	if err != nil {
		return res, err
	}
	unlock, err := m.envLock(ctx, locks, envID)
	if err != nil {
		return res, err
	}
	defer unlock()
	return m.restartLocked(ctx, db, envID, sp, pol, force)
}

// restartSetup decides the restart policy and the service's plan (just
// its name when no compose file is given).
func (m *Manager) restartSetup(ctx context.Context, o Options, service string) (policy.RestartPolicy, plan.ServicePlan, error) {
	sp := plan.ServicePlan{Name: service}
	if len(o.Files) == 0 && o.ProjectName == "" && o.WorkingDir == "" {
		pol, err := m.restartPolicy(nil)
		return pol, sp, err
	}
	r, err := m.resolveShared(ctx, o)
	if err != nil {
		return policy.RestartPolicy{}, sp, err
	}
	sp, ok := r.plan.Services[service]
	if !ok {
		return r.restart, sp, &InputError{Err: fmt.Errorf("restart: no service %q in project %s (services: %s)",
			service, r.project.Name, strings.Join(slices.Sorted(maps.Keys(r.plan.Services)), ", "))}
	}
	return r.restart, sp, nil
}

// restartLocked decides and, if allowed, restarts service sp of envID.
// The caller holds the environment's lock.
func (m *Manager) restartLocked(ctx context.Context, db store.Store, envID string, sp plan.ServicePlan,
	pol policy.RestartPolicy, force bool) (RestartResult, error) {
	res := RestartResult{EnvID: envID, Service: sp.Name}
	st, err := lifecycle.Status(ctx, m.conn, envID)
	if err != nil {
		return res, err
	}
	if len(st.Services) == 0 {
		return res, fmt.Errorf("restart service %s: environment %s is not up (berth ps lists what is): %w", sp.Name, envID, ErrNoSuchEnv)
	}
	if !slices.ContainsFunc(st.Services, func(s lifecycle.ServiceStatus) bool { return s.Service == sp.Name }) {
		var names []string
		for _, s := range st.Services {
			names = append(names, s.Service)
		}
		return res, &InputError{Err: fmt.Errorf("restart: environment %s has no service %q (services: %s)",
			envID, sp.Name, strings.Join(slices.Compact(names), ", "))}
	}
	healthy, problem := st.Healthy(&plan.Plan{Services: map[string]plan.ServicePlan{sp.Name: sp}})
	if healthy && !force {
		res.Action, res.Reason = RestartNone, "healthy; nothing to do"
		return res, nil
	}
	if problem == "" {
		problem = "service " + sp.Name + " is healthy"
	}
	now := m.now()
	recs, err := db.Restarts(ctx, envID, sp.Name, now.Add(-max(pol.Window, pol.Cooldown)))
	if err != nil {
		return res, fmt.Errorf("read restart history of %s: %w", sp.Name, err)
	}
	v := pol.Decide(attempts(recs), force, now)
	if v.Allowed && !force {
		// A service that keeps dying has its own breaker: no restarts until
		// its cooldown after the last death ends, then one probe.
		deaths, err := m.deaths(ctx, db, envID, sp.Name, now.Add(-max(pol.Window, pol.Cooldown)))
		if err != nil {
			return res, err
		}
		if bv := pol.ServiceBreaker().Decide(deaths, attempts(recs), false, now); !bv.Allowed {
			v = bv.RestartVerdict
			v.Reason = "service keeps dying, its breaker is " + string(bv.State) + ": " + v.Reason
		}
	}
	if !v.Allowed {
		m.recordRestart(ctx, db, store.RestartRecord{Time: now, EnvID: envID, Service: sp.Name, Kind: store.RestartRefused, Reason: v.Reason})
		return res, &RestartRefusedError{Service: sp.Name, Reason: v.Reason, NextAllowed: v.NextAllowed}
	}
	res.Action, res.Reason = RestartRestarted, problem
	kind := store.RestartDone
	if force {
		res.Action, kind = RestartForced, store.RestartForced
	}
	// Recorded before the attempt: an attempt counts against the limits
	// even if it fails or berth dies during it.
	m.recordRestart(ctx, db, store.RestartRecord{Time: now, EnvID: envID, Service: sp.Name, Kind: kind, Reason: res.Reason})
	wait := lifecycle.RestartOptions{Healthcheck: sp.Healthcheck, Log: m.log, Timeout: DefaultWaitTimeout}
	if err := lifecycle.RestartService(ctx, m.conn, envID, sp.Name, wait); err != nil {
		return res, err
	}
	res.Took = m.now().Sub(now)
	m.refreshEndpoints(ctx, db, envID)
	return res, nil
}

// attempts turns the store's restart records into the limiter's history:
// refusals are not attempts.
func attempts(recs []store.RestartRecord) []policy.RestartAttempt {
	var out []policy.RestartAttempt
	for _, r := range recs {
		if r.Kind == store.RestartRefused {
			continue
		}
		out = append(out, policy.RestartAttempt{Time: r.Time, Forced: r.Kind == store.RestartForced, Engine: r.Kind == store.RestartEngine})
	}
	return out
}

func (m *Manager) recordRestart(ctx context.Context, db store.Store, r store.RestartRecord) {
	if err := db.RecordRestart(ctx, r); err != nil {
		m.log.Warn("record restart", "service", r.Service, "kind", r.Kind, "err", err)
	}
}

// refreshEndpoints stores the environment's endpoints again: a restarted
// container may have been given other ephemeral host ports.
func (m *Manager) refreshEndpoints(ctx context.Context, db store.Store, envID string) {
	rec, err := db.Env(ctx, envID)
	if errors.Is(err, store.ErrNotFound) {
		return
	}
	st, serr := lifecycle.Status(ctx, m.conn, envID)
	if err = errors.Join(err, serr); err == nil {
		rec.Endpoints = m.vars(st)
		err = db.PutEnv(ctx, rec)
	}
	if err != nil {
		m.log.Warn("refresh endpoints after restart", "env", envID, "err", err)
	}
}

// deaths are the times service died on its own (not stopped by request),
// as the event watcher recorded them.
func (m *Manager) deaths(ctx context.Context, db store.Store, envID, service string, since time.Time) ([]time.Time, error) {
	evs, err := db.ServiceEvents(ctx, envID, service, since)
	if err != nil {
		return nil, fmt.Errorf("read events of %s: %w", service, err)
	}
	var out []time.Time
	for _, ev := range evs {
		if ev.Action == "die" {
			out = append(out, ev.Time)
		}
	}
	return out, nil
}
