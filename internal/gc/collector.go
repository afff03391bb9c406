package gc

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/berth-dev/berth/internal/clock"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/failure"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/store"
)

// recordsKept is how long op, usage, restart and event records are kept
// (each real run prunes older ones).
const recordsKept = 7 * 24 * time.Hour

// Store is what a cleanup reads and writes.
type Store interface {
	CreatedAt(ctx context.Context) (time.Time, error)
	Envs(ctx context.Context) ([]store.Env, error)
	Pools(ctx context.Context) ([]store.Pool, error)
	Env(ctx context.Context, id string) (store.Env, error)
	SetEnvState(ctx context.Context, id string, state store.State) error
	DeleteEnv(ctx context.Context, id string) error
	PruneRecords(ctx context.Context, before time.Time) error
}

// Leases judges and reaps leases (see package leases).
type Leases interface {
	Split(ctx context.Context, envID string) (live, dead []store.Lease, err error)
	Reap(ctx context.Context) ([]store.Lease, error)
}

// Locks are the environment locks, taken without waiting: an environment
// whose lock is held is being acquired, and gc leaves it alone.
type Locks interface {
	TryAcquire(name string) (release func() error, ok bool, err error)
}

// Collector gathers facts, plans with [Build] and executes the plan on
// one daemon.
type Collector struct {
	Engine engine.Engine
	Store  Store
	Leases Leases
	Locks  Locks
	Clock  clock.Clock
	Log    *slog.Logger
	// State is this state directory's identity (labels dev.berth.state and
	// dev.berth.state-id); Host is this machine's name.
	State labels.Identity
	Host  string
	// EnvStaleAfter is BERTH_STALE_AFTER (nil: unset).
	EnvStaleAfter *time.Duration
	// FilesDir is where environments' written secrets and configs live;
	// taking an environment down removes its ([lifecycle.RemoveFiles]).
	FilesDir string
}

// Run reaps dead leases, plans a cleanup and, unless o.DryRun, executes
// the plan: each environment is taken down under its lock after its
// leases and record are checked again, so an acquirer racing with gc
// either gets the environment intact or a fresh one. Removal is graceful
// and never forced. Resources without berth's labels are touched only in
// mode deep, and only when unused.
func (c *Collector) Run(ctx context.Context, o Options) (Report, error) {
	rep := Report{DryRun: o.DryRun, Plan: Plan{Mode: o.Mode}}
	s, err := ResolveSettings(o, c.EnvStaleAfter)
	if err != nil {
		return rep, err
	}
	if !o.DryRun {
		reaped, err := c.Leases.Reap(ctx)
		if err != nil {
			return rep, err
		}
		for _, l := range reaped {
			rep.ReapedLeases = append(rep.ReapedLeases, l.ID)
		}
		// Statistics cover a week: older op, usage, restart and event records go.
		if err := c.Store.PruneRecords(ctx, c.Clock.Now().Add(-recordsKept)); err != nil {
			c.Log.Warn("prune old records", "err", err)
		}
	}
	measure := o.Measure || s.Mode >= Normal
	f, before, warning, err := c.gather(ctx, s.Mode, measure)
	if err != nil {
		return rep, err
	}
	rep.Before = before
	if warning != "" {
		rep.Warnings = append(rep.Warnings, warning)
		measure = false
	}
	rep.Plan = Build(f, s)
	if o.DryRun {
		return rep, nil
	}
	var errs []error
	rep.Results, rep.TornDown, errs = c.execute(ctx, rep.Plan)
	if measure {
		after, err := c.diskTotals(ctx)
		if err != nil {
			rep.Warnings = append(rep.Warnings, err.Error())
		}
		rep.After = after
	}
	return rep, errors.Join(errs...)
}

// ResolveSettings decides a plan's settings: options, then envStaleAfter
// (BERTH_STALE_AFTER, nil when unset), then the defaults. Bad values are
// an [*failure.InputError]. It makes no call, so callers check their input
// with it before any Docker call.
func ResolveSettings(o Options, envStaleAfter *time.Duration) (Settings, error) {
	s := Settings{Mode: o.Mode, StaleAfter: o.StaleAfter, MinAge: DefaultMinAge}
	if s.StaleAfter == nil {
		s.StaleAfter = envStaleAfter
	}
	if o.MinAge != nil {
		s.MinAge = *o.MinAge
	}
	switch {
	case s.StaleAfter != nil && *s.StaleAfter <= 0:
		return s, failure.Input(errors.New("the stale age must be greater than zero"))
	case s.MinAge < 0:
		return s, failure.Input(errors.New("the minimum age must not be negative"))
	case s.Mode < Safe || s.Mode > Deep:
		return s, failure.Input(errors.New("unknown gc mode " + s.Mode.String()))
	}
	return s, nil
}
