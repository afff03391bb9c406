package acquire

import (
	"context"
	"fmt"

	"github.com/berth-dev/berth/internal/leases"
	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/resolve"
	"github.com/berth-dev/berth/internal/store"
)

// Acquire takes a lease on environment r, making it ready first: a
// healthy one is reused; one that is broken and unused is recreated; one
// in use by others is never taken from them (acquire waits for it to
// recover, else fails with a [*failure.NotReadyError]). If the store lost
// a running environment, it is adopted by its labels.
func (a *Acquirer) Acquire(ctx context.Context, r *resolve.Env, o Options) (Result, error) {
	ctx = lock.WithArrival(ctx, a.Clock.Now()) // its calls are served before later operations'
	holder, err := a.Leases.Holder(o.HolderPID)
	if err != nil {
		return Result{}, err
	}
	// The lease's lock: held here at once, or by a keeper that starts
	// while the environment is made ready.
	pending, err := a.Leases.Take(o.HolderPID, o.Keeper)
	if err != nil {
		return Result{}, err
	}
	leased := false
	defer func() {
		if !leased && pending != nil {
			pending.Drop()
		}
	}()
	if _, err := a.Leases.Reap(ctx); err != nil {
		a.Log.Warn("reap dead leases", "err", err)
	}
	for k, v := range a.State.Stamp() {
		r.Plan.Stamp(k, v)
	}
	start := a.Clock.Now()
	id := r.ID()
	var rec store.Env
	var reused bool
	taken, err := a.takePooled(ctx, r, o.Refill)
	if err != nil {
		return Result{}, err
	}
	if taken.env != nil { // a warm copy from the pool, now ours: leased below
		defer taken.unlock()
		rec, reused, id = *taken.env, true, taken.env.ID
	} else {
		unlock, err := a.Locks.Acquire(ctx, lock.EnvName(id))
		if err != nil {
			return Result{}, err
		}
		defer unlock()
		if rec, reused, err = a.ensureLocked(ctx, r, o); err != nil {
			return Result{}, err
		}
	}
	if pending != nil {
		if holder.Lock, err = pending.Held(ctx); err != nil {
			if !reused {
				a.forget(context.WithoutCancel(ctx), id)
			}
			return Result{}, err
		}
	}
	// Not cancellable: an environment made ready must get its lease.
	lease, err := a.Store.AddLease(context.WithoutCancel(ctx), id, holder, o.HeartbeatTTL, a.Clock.Now())
	if err != nil {
		if !reused {
			a.forget(context.WithoutCancel(ctx), id)
		}
		return Result{}, fmt.Errorf("add lease on %s: %w", id, err)
	}
	if err := a.Leases.Tag(lease); err != nil {
		a.Log.Warn("tag lease lock", "lease", lease.ID, "err", err)
	}
	kind := store.UsageAcquire
	if reused {
		kind = store.UsageReuse
	}
	if err := a.Store.RecordUsage(ctx, store.UsageRecord{Time: a.Clock.Now(), EnvID: id, Kind: kind,
		ValueMS: a.Clock.Now().Sub(start).Milliseconds()}); err != nil {
		a.Log.Warn("record usage", "err", err)
	}
	leased = true
	if r.Plan.ID.Mode == plan.ModeDedicated && !taken.refilled {
		a.refill(ctx, r, o.Refill) // nothing left the pool: keep its target, refill if short
	}
	res := Result{Env: rec, Lease: lease, Reused: reused}
	if h, ok := pending.(*leases.Held); ok {
		res.Hold = h
	}
	return res, nil
}
