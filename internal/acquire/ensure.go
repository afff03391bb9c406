package acquire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/berth-dev/berth/internal/failure"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/progress"
	"github.com/berth-dev/berth/internal/resolve"
	"github.com/berth-dev/berth/internal/store"
)

// awaitPoll is how often an environment in use is checked while acquire
// waits for it to recover.
const awaitPoll = 500 * time.Millisecond

// ensureLocked makes environment r ready, reusing a healthy one, and
// returns its record and whether it was reused. The caller holds the
// environment's lock.
func (a *Acquirer) ensureLocked(ctx context.Context, r *resolve.Env, o Options) (store.Env, bool, error) {
	id := r.ID()
	rec, err := a.Store.Env(ctx, id)
	known := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return rec, false, err
	}
	if known && rec.State == store.StateTearingDown {
		// Teardowns hold this lock, so the process that began this one
		// is gone (killed midway). Its stops may still be under way in
		// the daemon: whatever runs now is dying, however healthy it
		// looks. Finish the teardown (create does it first) and start a
		// fresh copy.
		a.Log.Warn("finishing a teardown its process left unfinished", "env", id)
		rec, err = a.create(ctx, r, o)
		return rec, false, err
	}
	if known && rec.State == store.StateReady && a.readyByList(ctx, id, r.Plan) {
		return rec, true, nil
	}
	st, err := lifecycle.Status(ctx, a.Engine, id)
	if err != nil {
		return rec, false, err
	}
	st = lifecycle.ConfirmStarting(ctx, a.Engine, st, r.Plan)
	live := 0
	if len(st.Services) > 0 {
		if err := a.refuseForeign(id, st); err != nil {
			return rec, false, err
		}
		ls, _, err := a.Leases.Split(ctx, id)
		if err != nil {
			return rec, false, err
		}
		live = len(ls)
	}
	d, why := Decide(st, r.Plan, live)
	if d != Create && d != Reuse {
		// Containers a daemon restart stopped are nobody's: start them
		// again, then judge what there is.
		if st, err = a.reviveLocked(ctx, r, st, o); err != nil {
			return rec, false, err
		}
		if rec, err = a.Store.Env(ctx, id); err != nil && !errors.Is(err, store.ErrNotFound) {
			return rec, false, err
		}
		known = err == nil
		st = lifecycle.ConfirmStarting(ctx, a.Engine, st, r.Plan)
		d, why = Decide(st, r.Plan, live)
	}
	if d == Wait {
		if st, d, why, err = a.awaitRecovery(ctx, r, live); err != nil {
			return rec, false, err
		}
	}
	switch d {
	case Reuse:
		if known && rec.State == store.StateReady {
			return rec, true, nil
		}
		// The store lost it (or never saw it finish): adopt it by its labels.
		rec = a.record(r, store.StateReady, a.Clock.Now(), a.vars(st))
		return rec, true, a.Store.PutEnv(ctx, rec)
	case Wait, Refuse:
		return rec, false, &failure.NotReadyError{EnvID: id, Err: fmt.Errorf(
			"in use by %d live lease(s) and not healthy: %s; berth restart SERVICE repairs a service without taking the environment from its holders",
			live, why)}
	case Recreate:
		a.Log.Warn("environment is broken and unused; recreating it", "env", id, "why", why)
	}
	rec, err = a.create(ctx, r, o)
	return rec, false, err
}

// awaitRecovery checks an environment in use every [awaitPoll] until
// [Decide] no longer says Wait or r's wait timeout passes (then it says
// Wait still). Containers that vanished meanwhile are a Refuse: others
// hold leases on it.
func (a *Acquirer) awaitRecovery(ctx context.Context, r *resolve.Env, live int) (lifecycle.EnvStatus, Decision, string, error) {
	deadline := a.Clock.Now().Add(r.WaitTimeout)
	for {
		select {
		case <-ctx.Done():
			return lifecycle.EnvStatus{}, Wait, "", ctx.Err()
		case <-a.Clock.After(awaitPoll):
		}
		st, err := lifecycle.Status(ctx, a.Engine, r.ID())
		if err != nil {
			return st, Wait, "", err
		}
		st = lifecycle.ConfirmStarting(ctx, a.Engine, st, r.Plan)
		d, why := Decide(st, r.Plan, live)
		if d == Create {
			d, why = Refuse, "its containers are gone"
		}
		if d != Wait || a.Clock.Now().After(deadline) {
			return st, d, why, nil
		}
	}
}

// create brings environment r up from a clean slate and records it ready.
func (a *Acquirer) create(ctx context.Context, r *resolve.Env, o Options) (store.Env, error) {
	return a.createAs(ctx, r, o, store.StateReady)
}

// createAs is create, recording the environment in state done once up
// (ready, or pooled for a warm pool's copy).
func (a *Acquirer) createAs(ctx context.Context, r *resolve.Env, o Options, done store.State) (store.Env, error) {
	id := r.ID()
	// Whatever an earlier copy left (containers, networks, volumes of this
	// ID) goes first, so the new copy starts clean: no stale volume data.
	if _, err := lifecycle.Teardown(ctx, a.Engine, id, lifecycle.TeardownOptions{FilesDir: a.FilesDir, State: &a.State}); err != nil {
		return store.Env{}, fmt.Errorf("tear down broken environment %s: %w", id, err)
	}
	progressOut := o.Progress
	if progressOut == nil {
		progressOut = io.Discard
	}
	releaseMemory, err := a.admitLocked(ctx, r, r.WaitForMemory, progressOut)
	if err != nil {
		return store.Env{}, err
	}
	defer releaseMemory() // once up: the running containers' limits count instead
	rec := a.record(r, store.StateCreating, time.Time{}, nil)
	if err := a.Store.PutEnv(ctx, rec); err != nil {
		return rec, err
	}
	up := lifecycle.UpOptions{Locker: a.Locks, Progress: progress.For(o.Progress), WaitTimeout: r.WaitTimeout, Log: a.Log,
		FilesDir: a.FilesDir}
	stopWatch := a.Watch(ctx, id) // record deaths, OOM kills and health while waiting
	err = lifecycle.Up(ctx, a.Engine, r.Plan, up)
	stopWatch()
	if err != nil {
		if derr := a.Store.DeleteEnv(context.WithoutCancel(ctx), id); derr != nil {
			a.Log.Warn("forget failed environment", "env", id, "err", derr)
		}
		return rec, &failure.NotReadyError{EnvID: id, Err: a.noteOOM(ctx, r, err)}
	}
	// The stack is up: finish the bookkeeping even if we are being
	// interrupted, or a running stack would be left unrecorded.
	bctx := context.WithoutCancel(ctx)
	st, err := lifecycle.Status(bctx, a.Engine, id)
	if err == nil {
		rec = a.record(r, done, a.Clock.Now(), a.vars(st))
		err = a.Store.PutEnv(bctx, rec)
	}
	if err != nil {
		a.forget(bctx, id)
		return rec, fmt.Errorf("record environment %s: %w", id, err)
	}
	return rec, nil
}

// forget tears down an environment this call created but could not
// record or lease, and drops its record.
func (a *Acquirer) forget(ctx context.Context, id string) {
	if _, err := lifecycle.Teardown(ctx, a.Engine, id, lifecycle.TeardownOptions{FilesDir: a.FilesDir, State: &a.State}); err != nil {
		a.Log.Warn("tear down unrecorded environment", "env", id, "err", err)
	}
	if err := a.Store.DeleteEnv(ctx, id); err != nil {
		a.Log.Warn("forget environment", "env", id, "err", err)
	}
}

// readyByList is the warm path's check of an environment the store knows
// ready: one list call ([lifecycle.ListStatus]) instead of an inspection
// per container. It says true only when that shows every service ready
// and every container this state's; anything else (a list error
// included) goes the full way, which decides and says why.
func (a *Acquirer) readyByList(ctx context.Context, id string, p *plan.Plan) bool {
	st, err := lifecycle.ListStatus(ctx, a.Engine, id)
	if err != nil || len(st.Services) == 0 || a.refuseForeign(id, st) != nil {
		return false
	}
	d, _ := Decide(st, p, 0)
	return d == Reuse
}
