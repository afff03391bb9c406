package berth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/berth-dev/berth/internal/endpoints"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/proc"
	"github.com/berth-dev/berth/internal/progress"
	"github.com/berth-dev/berth/internal/store"
)

// Acquire takes a lease on the environment o describes, creating it (and
// waiting until it is ready) when no healthy one exists. Parallel
// acquirers of one shared environment wait on its kernel lock instead of
// creating duplicates; a broken one is recreated under the lock. If the
// store was lost, a running environment is found again by its labels.
func (m *Manager) Acquire(ctx context.Context, o Options) (*Env, error) {
	r, err := m.resolve(ctx, o)
	if err != nil {
		return nil, err
	}
	holder, err := holderOf(o.HolderPID)
	if err != nil {
		return nil, err
	}
	db, locks, err := m.state(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := m.reapDeadLeases(ctx, db); err != nil {
		m.log.Warn("reap dead leases", "err", err)
	}
	r.plan.Stamp(labels.State, m.stateID)
	start := m.now()
	id := r.plan.ID.EnvID
	unlock, err := m.envLock(ctx, locks, id)
	if err != nil {
		return nil, err
	}
	defer unlock()
	rec, reused, err := m.ensureLocked(ctx, db, r, o)
	if err != nil {
		return nil, err
	}
	// Not cancellable: an environment made ready must get its lease.
	lease, err := db.AddLease(context.WithoutCancel(ctx), id, holder, o.HeartbeatTTL, m.now())
	if err != nil {
		if !reused {
			m.forget(context.WithoutCancel(ctx), db, id)
		}
		return nil, fmt.Errorf("add lease on %s: %w", id, err)
	}
	kind := store.UsageAcquire
	if reused {
		kind = store.UsageReuse
	}
	if err := db.RecordUsage(ctx, store.UsageRecord{Time: m.now(), EnvID: id, Kind: kind,
		ValueMS: m.now().Sub(start).Milliseconds()}); err != nil {
		m.log.Warn("record usage", "err", err)
	}
	return newEnv(m, rec, lease, reused), nil
}

// ensureLocked makes environment r ready, reusing a healthy one. The
// caller holds the environment's lock.
func (m *Manager) ensureLocked(ctx context.Context, db store.Store, r *resolved, o Options) (store.Env, bool, error) {
	id := r.plan.ID.EnvID
	rec, err := db.Env(ctx, id)
	known := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return rec, false, err
	}
	st, err := lifecycle.Status(ctx, m.conn, id)
	if err != nil {
		return rec, false, err
	}
	if len(st.Services) > 0 {
		if err := m.refuseForeign(id, st); err != nil {
			return rec, false, err
		}
		live, _, err := m.leases(ctx, db, id)
		if err != nil {
			return rec, false, err
		}
		ok, why := st.Healthy(r.plan)
		if !ok && len(live) > 0 {
			// Others are using it: never take it away from them. Wait for a
			// service that is starting or briefly unhealthy to recover.
			st, ok, why, err = m.awaitHealthy(ctx, r, st)
			if err != nil {
				return rec, false, err
			}
			if !ok {
				return rec, false, &NotReadyError{EnvID: id, Err: fmt.Errorf(
					"in use by %d live lease(s) and not healthy: %s; berth restart SERVICE repairs a service without taking the environment from its holders",
					len(live), why)}
			}
		}
		if ok {
			if !known || rec.State != store.StateReady {
				// The store lost it (or never saw it finish): adopt it by its labels.
				rec = m.record(r, store.StateReady, m.now(), m.vars(st))
				if err := db.PutEnv(ctx, rec); err != nil {
					return rec, false, err
				}
			}
			return rec, true, nil
		}
		m.log.Warn("environment is broken and unused; recreating it", "env", id, "why", why)
	}
	// Whatever an earlier copy left (containers, networks, volumes of this
	// ID) goes first, so the new copy starts clean: no stale volume data.
	if _, err := lifecycle.Teardown(ctx, m.conn, id, lifecycle.TeardownOptions{}); err != nil {
		return rec, false, fmt.Errorf("tear down broken environment %s: %w", id, err)
	}
	if err := m.admitLocked(ctx, r, o); err != nil {
		return rec, false, err
	}
	rec = m.record(r, store.StateCreating, time.Time{}, nil)
	if err := db.PutEnv(ctx, rec); err != nil {
		return rec, false, err
	}
	up := lifecycle.UpOptions{Locker: m.locks, Progress: progress.For(o.Progress), WaitTimeout: r.waitTimeout, Log: m.log}
	stopWatch := m.Watch(ctx, id) // record deaths, OOM kills and health while waiting
	err = lifecycle.Up(ctx, m.conn, r.plan, up)
	stopWatch()
	if err != nil {
		if derr := db.DeleteEnv(context.WithoutCancel(ctx), id); derr != nil {
			m.log.Warn("forget failed environment", "env", id, "err", derr)
		}
		return rec, false, &NotReadyError{EnvID: id, Err: m.noteOOM(ctx, db, r, err)}
	}
	// The stack is up: finish the bookkeeping even if we are being
	// interrupted, or a running stack would be left unrecorded.
	bctx := context.WithoutCancel(ctx)
	if st, err = lifecycle.Status(bctx, m.conn, id); err == nil {
		rec = m.record(r, store.StateReady, m.now(), m.vars(st))
		err = db.PutEnv(bctx, rec)
	}
	if err != nil {
		m.forget(bctx, db, id)
		return rec, false, fmt.Errorf("record environment %s: %w", id, err)
	}
	return rec, false, nil
}

// forget tears down an environment this call created but could not
// record or lease, and drops its record.
func (m *Manager) forget(ctx context.Context, db store.Store, id string) {
	if _, err := lifecycle.Teardown(ctx, m.conn, id, lifecycle.TeardownOptions{}); err != nil {
		m.log.Warn("tear down unrecorded environment", "env", id, "err", err)
	}
	if err := db.DeleteEnv(ctx, id); err != nil {
		m.log.Warn("forget environment", "env", id, "err", err)
	}
}

// awaitHealthy polls an in-use environment until it is healthy, a service
// is gone or has exited (it will not recover by itself), or the wait
// timeout passes.
func (m *Manager) awaitHealthy(ctx context.Context, r *resolved, st lifecycle.EnvStatus) (lifecycle.EnvStatus, bool, string, error) {
	deadline := m.now().Add(r.waitTimeout)
	for {
		ok, why := st.Healthy(r.plan)
		if ok || m.now().After(deadline) || !recoverable(st, r) {
			return st, ok, why, nil
		}
		t := time.NewTimer(500 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return st, false, why, ctx.Err()
		case <-t.C:
		}
		var err error
		if st, err = lifecycle.Status(ctx, m.conn, r.plan.ID.EnvID); err != nil {
			return st, false, why, err
		}
	}
}

// recoverable reports whether every planned service has a container that
// runs (or is being restarted by the engine): only then can waiting help.
func recoverable(st lifecycle.EnvStatus, r *resolved) bool {
	for name := range r.plan.Services {
		i := slices.IndexFunc(st.Services, func(s lifecycle.ServiceStatus) bool { return s.Service == name })
		if i < 0 || (st.Services[i].State != "running" && st.Services[i].State != "restarting") {
			return false
		}
	}
	return true
}

func (m *Manager) record(r *resolved, state store.State, ready time.Time, vars map[string]string) store.Env {
	return store.Env{ID: r.plan.ID.EnvID, Project: r.project.Name, Mode: r.plan.ID.Mode,
		ConfigHash: r.project.Hash, Files: r.project.Files, State: state, CreatedAt: m.now(),
		ReadyAt: ready, Linger: r.linger, Endpoints: vars, StaleAfter: r.staleAfter}
}

// vars computes the BERTH_* endpoint variables of a running environment.
func (m *Manager) vars(st lifecycle.EnvStatus) map[string]string {
	var ports []endpoints.Port
	for _, s := range st.Services {
		for _, p := range s.Ports {
			ports = append(ports, endpoints.Port{Service: s.Service, ContainerPort: p.ContainerPort,
				Protocol: p.Protocol, HostIP: p.HostIP, HostPort: p.HostPort})
		}
	}
	return endpoints.Vars(endpoints.Host(m.conn.Endpoint()), ports)
}

// holderOf identifies the lease holder: pid, or this process when 0.
func holderOf(pid int) (store.Holder, error) {
	if pid == 0 {
		pid = os.Getpid()
	}
	start, err := proc.StartTime(pid)
	if err != nil {
		return store.Holder{}, fmt.Errorf("identify holder process %d: %w", pid, err)
	}
	return store.Holder{Host: proc.Host(), PID: pid, StartTime: start}, nil
}

// refuseForeign refuses an environment whose containers another state
// directory made: its leases live in that directory's store, which this
// process cannot see, so sharing it would let either side take it down
// under the other's runners.
func (m *Manager) refuseForeign(id string, st lifecycle.EnvStatus) error {
	for _, s := range st.Services {
		if s.StateLabel != "" && s.StateLabel != m.stateID {
			return fmt.Errorf("environment %s is already up, made by a berth with another state directory (%s=%s: another user, host or BERTH_STATE_DIR) whose leases this one cannot see; use the same BERTH_STATE_DIR, or another project name (-p)",
				id, labels.State, s.StateLabel)
		}
	}
	return nil
}
