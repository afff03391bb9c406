package acquire

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/berth-dev/berth/internal/leases"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/pool"
	"github.com/berth-dev/berth/internal/resolve"
	"github.com/berth-dev/berth/internal/store"
)

// take is what [Acquirer.takePooled] got.
type take struct {
	env    *store.Env   // the copy taken (ready, no lease yet); nil: none
	unlock func() error // its environment lock, held until the lease is recorded
	// refilled: a copy left the pool, so the refill was started then
	// (the pool's target brought up to date with it); the acquisition
	// starts none after its lease.
	refilled bool
}

// takePooled takes a ready copy of r's configuration from the warm pool,
// for a dedicated acquisition: the copy's record (now ready, no lease
// yet) with its environment lock held (unlock after the lease is
// recorded), or none when the pool has none (or r is shared). The take is
// the store's swap of the copy's state from pooled to ready, so of any
// number of takers (processes) exactly one gets a copy. A taken copy that
// is not ready after all is torn down and the next one tried.
//
// Each successful swap starts the pool's refill (argv) at once, before
// the copy is checked and before the taker's own work (its lease, its
// keeper): the refill is a whole cold up, and every millisecond it waits
// on the taker is a millisecond the pool stays short.
func (a *Acquirer) takePooled(ctx context.Context, r *resolve.Env, argv []string) (take, error) {
	var t take
	if r.Plan.ID.Mode != plan.ModeDedicated {
		return t, nil
	}
	envs, err := a.Store.Envs(ctx)
	if err != nil {
		a.Log.Warn("read the warm pool", "err", err)
		return t, nil // the pool only saves time: create as without one
	}
	for _, c := range pool.Candidates(envs, r.Project.Name, r.Project.Hash) {
		unlock, err := a.Locks.Acquire(ctx, lock.EnvName(c.ID))
		if err != nil {
			return t, err
		}
		ok, err := a.Store.SwapEnvState(ctx, c.ID, store.StatePooled, store.StateReady)
		if err != nil || !ok { // taken (or reclaimed) by another meanwhile
			_ = unlock()
			continue
		}
		a.refill(ctx, r, argv)
		t.refilled = true
		if a.pooledUsable(ctx, c.ID, r.Plan) {
			c.State = store.StateReady
			t.env, t.unlock = &c, unlock
			return t, nil
		}
		a.Log.Warn("a pooled copy is not ready; tearing it down", "env", c.ID)
		a.forget(context.WithoutCancel(ctx), c.ID)
		_ = unlock()
	}
	return t, nil
}

// refill keeps the project's pool target up to date for a dedicated
// acquisition (x-berth.pool.size sets it; a changed configuration moves
// it to the new one, so the old copies are replaced) and, when the pool
// has a size, starts the detached refill process argv ([Acquirer.Spawn]).
func (a *Acquirer) refill(ctx context.Context, r *resolve.Env, argv []string) {
	t, err := a.poolTarget(ctx, r)
	if err != nil {
		a.Log.Warn("read the warm pool's target", "err", err)
		return
	}
	if t.Size == 0 || len(argv) == 0 {
		return
	}
	spawn := a.Spawn
	if spawn == nil {
		spawn = leases.Spawn
	}
	if err := spawn(argv); err != nil {
		a.Log.Warn("start the warm pool's refill", "err", err)
	}
}

// poolTarget returns r's pool target after bringing it to r's
// configuration and to x-berth.pool.size when the file sets one.
func (a *Acquirer) poolTarget(ctx context.Context, r *resolve.Env) (store.Pool, error) {
	t := store.Pool{Project: r.Project.Name, ConfigHash: r.Project.Hash}
	pools, err := a.Store.Pools(ctx)
	if err != nil {
		return t, err
	}
	var old *store.Pool
	for i := range pools {
		if pools[i].Project == t.Project {
			old = &pools[i]
			t.Size = old.Size
		}
	}
	if n := r.Project.Berth.PoolSize; n != nil {
		t.Size = *n
	}
	if (old == nil && t.Size > 0) || (old != nil && *old != t) {
		err = a.Store.PutPool(ctx, t)
	}
	return t, err
}

// SetPool sets r's pool target to size copies of r's configuration.
func (a *Acquirer) SetPool(ctx context.Context, r *resolve.Env, size int) error {
	return a.Store.PutPool(ctx, store.Pool{Project: r.Project.Name, ConfigHash: r.Project.Hash, Size: size})
}

// PoolTarget is [Acquirer.SetPool]'s reader: r's pool target as it stands
// after x-berth.pool.size and r's configuration are applied.
func (a *Acquirer) PoolTarget(ctx context.Context, r *resolve.Env) (store.Pool, error) {
	return a.poolTarget(ctx, r)
}

// CreatePooled brings dedicated copy r up for the warm pool and records
// it pooled, leased to no one, under its environment lock (memory
// admission and the gate as for any creation).
func (a *Acquirer) CreatePooled(ctx context.Context, r *resolve.Env, o Options) (store.Env, error) {
	if r.Plan.ID.Mode != plan.ModeDedicated {
		return store.Env{}, errors.New("create pooled copy: only dedicated copies are pooled")
	}
	for k, v := range a.State.Stamp() {
		r.Plan.Stamp(k, v)
	}
	unlock, err := a.Locks.Acquire(ctx, lock.EnvName(r.ID()))
	if err != nil {
		return store.Env{}, err
	}
	defer unlock()
	return a.createAs(ctx, r, o, store.StatePooled)
}

// ReclaimPooled tears down pooled copy id unless a taker got it first:
// under its lock, its state is swapped from pooled to tearing_down (the
// same swap a taker makes), then it is torn down and forgotten. It
// reports whether it was reclaimed.
func (a *Acquirer) ReclaimPooled(ctx context.Context, id string) (bool, error) {
	unlock, err := a.Locks.Acquire(ctx, lock.EnvName(id))
	if err != nil {
		return false, err
	}
	defer unlock()
	ok, err := a.Store.SwapEnvState(ctx, id, store.StatePooled, store.StateTearingDown)
	if err != nil || !ok {
		return false, err
	}
	if _, err := lifecycle.Teardown(ctx, a.Engine, id, lifecycle.TeardownOptions{FilesDir: a.FilesDir, State: &a.State}); err != nil {
		return false, fmt.Errorf("tear down pooled copy %s: %w", id, err)
	}
	return true, a.Store.DeleteEnv(ctx, id)
}

// pooledUsable checks a taken copy by one list call: every planned service
// has a container that runs and is not unhealthy (or a job that exited
// 0). A health of "starting" is fine: berth's own readiness probe declared
// the copy ready when it was pooled, which can be before the engine's
// first health check.
func (a *Acquirer) pooledUsable(ctx context.Context, id string, p *plan.Plan) bool {
	st, err := lifecycle.ListStatus(ctx, a.Engine, id)
	if err != nil || len(st.Services) == 0 || a.refuseForeign(id, st) != nil {
		return false
	}
	for name, sp := range p.Services {
		i := slices.IndexFunc(st.Services, func(s lifecycle.ServiceStatus) bool { return s.Service == name })
		if i < 0 {
			return false
		}
		s := st.Services[i]
		switch {
		case s.State == "running" && s.Health != "unhealthy":
		case sp.Job && s.State == "exited" && s.ExitCode == 0:
		default:
			return false
		}
	}
	return true
}
