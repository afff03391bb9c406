package revive

import (
	"context"
	"fmt"

	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/plan"
)

// Locks takes an environment's lock ([lock.EnvName]) without waiting.
type Locks interface {
	TryAcquire(name string) (release func() error, ok bool, err error)
}

// Outcome is one environment a [Reviver.Sweep] started again, or tried to.
type Outcome struct {
	Result
	// Err: it did not come back (a service not ready in time, exited,
	// turned unhealthy); the normal rules apply at its next acquire.
	Err error `json:"-"`
}

// Sweep revives every environment of envIDs a daemon restart stopped,
// each under its lock, from the daemon's view alone: the order is the
// one its containers' labels carry ([plan.OrderFromLabels]). An
// environment whose lock is held is left alone (its holder, an acquirer
// or a teardown, decides; an acquirer revives it itself), and so is one
// not stopped by a daemon restart. The daemon's start is observed once,
// when the first environment has an exited container. The error is for
// what stops the sweep (the daemon not answering); one environment that
// does not come back is an [Outcome] with Err.
func (r *Reviver) Sweep(ctx context.Context, envIDs []string, locks Locks) ([]Outcome, error) {
	var out []Outcome
	var boot *Boot
	for _, id := range envIDs {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		release, ok, err := locks.TryAcquire(lock.EnvName(id))
		if err != nil {
			return out, fmt.Errorf("revive %s: lock: %w", id, err)
		}
		if !ok {
			r.Log.Debug("revive: environment busy, left to its lock holder", "env", id)
			continue
		}
		o, revived, err := r.sweepOneLocked(ctx, id, &boot)
		_ = release()
		if err != nil {
			return out, err
		}
		if revived {
			out = append(out, o)
		}
	}
	return out, nil
}

// sweepOneLocked revives environment id if a daemon restart stopped it;
// boot is observed on first need and kept for the next environments.
func (r *Reviver) sweepOneLocked(ctx context.Context, id string, boot **Boot) (Outcome, bool, error) {
	st, err := lifecycle.Status(ctx, r.Engine, id)
	if err != nil {
		return Outcome{}, false, err
	}
	if !anyExited(st) {
		return Outcome{}, false, nil
	}
	if *boot == nil {
		b, err := Observe(ctx, r.Engine, r.Clock.Now())
		if err != nil {
			return Outcome{}, false, err
		}
		*boot = &b
	}
	byService := map[string]map[string]string{}
	for _, s := range st.Services {
		byService[s.Service] = s.Labels
	}
	services, levels, err := plan.OrderFromLabels(byService)
	if err != nil {
		return Outcome{}, false, fmt.Errorf("revive %s: %w", id, err)
	}
	v := Decide(st, services, **boot)
	if !v.Revive {
		r.Log.Debug("revive: not stopped by a daemon restart", "env", id, "why", v.Why)
		return Outcome{}, false, nil
	}
	res, err := r.ReviveLocked(ctx, id, services, levels, v)
	return Outcome{Result: res, Err: err}, true, nil
}

// anyExited reports whether a container of st has exited: only then can
// a daemon restart have stopped it.
func anyExited(st lifecycle.EnvStatus) bool {
	for _, s := range st.Services {
		if s.State == "exited" {
			return true
		}
	}
	return false
}
