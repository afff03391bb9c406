package revive

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/clock"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/store"
)

// Store is what reviving reads and writes.
type Store interface {
	Env(ctx context.Context, id string) (store.Env, error)
	PutEnv(ctx context.Context, e store.Env) error
	RecordRestart(ctx context.Context, r store.RestartRecord) error
}

// Reviver starts again the services a daemon restart stopped.
type Reviver struct {
	Engine engine.Engine
	Store  Store
	Clock  clock.Clock
	Log    *slog.Logger
	// WaitTimeout bounds each service's wait to be ready again, from its
	// start ([lifecycle.DefaultWaitTimeout] when 0).
	WaitTimeout time.Duration
	// Vars computes an environment's endpoint variables (BERTH_*) from
	// its status.
	Vars func(lifecycle.EnvStatus) map[string]string
}

// Result is what [Reviver.ReviveLocked] did.
type Result struct {
	EnvID    string   `json:"env_id"`
	Services []string `json:"services"` // started again, sorted
	// Changed are the endpoint variables whose value changed (ephemeral
	// host ports the daemon chose anew); fixed ports come back as they were.
	Changed []Change `json:"changed,omitempty"`
}

// Change is one endpoint variable whose value changed.
type Change struct {
	Var string `json:"var"`
	Old string `json:"old"`
	New string `json:"new"`
}

// ReviveLocked starts again the services v names in environment envID,
// level by level (levels, as [plan.Plan.Levels]), the services of a level
// in parallel, each waited for until ready ([lifecycle.RestartService]:
// healthy when it has a health check). Each service started is recorded
// as a [store.RestartRevived] restart, which the restart limits do not
// count. Once all are ready, the environment's record (when it has one)
// gets the endpoint variables of its new ports, and the changed ones are
// in the result. A service that does not come back ready is the error
// (the services started before it keep running); the caller applies its
// normal rules then. The caller holds the environment's lock.
func (r *Reviver) ReviveLocked(ctx context.Context, envID string, services map[string]plan.ServicePlan,
	levels [][]string, v Verdict) (Result, error) {
	res := Result{EnvID: envID}
	if !v.Revive {
		return res, fmt.Errorf("revive %s: %s", envID, v.Why)
	}
	r.Log.Warn("the daemon restarted and stopped this environment; starting it again", "env", envID, "services", v.Services)
	for _, level := range levels {
		var todo []string
		for _, name := range level {
			if slices.Contains(v.Services, name) {
				todo = append(todo, name)
			}
		}
		errs := make([]error, len(todo))
		var wg sync.WaitGroup
		for i, name := range todo {
			wg.Go(func() {
				errs[i] = lifecycle.RestartService(ctx, r.Engine, envID, name, lifecycle.RestartOptions{
					Timeout: r.WaitTimeout, Healthcheck: services[name].Healthcheck, Log: r.Log})
			})
		}
		wg.Wait()
		for i, name := range todo {
			if errs[i] == nil {
				res.Services = append(res.Services, name)
				r.record(ctx, envID, name)
			}
		}
		if err := errors.Join(errs...); err != nil {
			slices.Sort(res.Services)
			return res, fmt.Errorf("revive %s after the daemon restarted: %w", envID, err)
		}
	}
	slices.Sort(res.Services)
	return res, r.refreshLocked(context.WithoutCancel(ctx), &res)
}

// record writes a revived restart of service; a failure is logged.
func (r *Reviver) record(ctx context.Context, envID, service string) {
	rec := store.RestartRecord{Time: r.Clock.Now(), EnvID: envID, Service: service, Kind: store.RestartRevived,
		Reason: "stopped by a daemon restart"}
	if err := r.Store.RecordRestart(context.WithoutCancel(ctx), rec); err != nil {
		r.Log.Warn("record revived service", "env", envID, "service", service, "err", err)
	}
}

// refreshLocked stores the environment's endpoint variables as they are
// now and notes the ones that changed in res.
func (r *Reviver) refreshLocked(ctx context.Context, res *Result) error {
	rec, err := r.Store.Env(ctx, res.EnvID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // not recorded: acquire adopts it by its labels
	}
	if err != nil {
		return fmt.Errorf("revive %s: read its record: %w", res.EnvID, err)
	}
	st, err := lifecycle.Status(ctx, r.Engine, res.EnvID)
	if err != nil {
		return fmt.Errorf("revive %s: %w", res.EnvID, err)
	}
	vars := r.Vars(st)
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		if old, ok := rec.Endpoints[k]; ok && old != vars[k] {
			res.Changed = append(res.Changed, Change{Var: k, Old: old, New: vars[k]})
		}
	}
	if maps.Equal(vars, rec.Endpoints) {
		return nil
	}
	rec.Endpoints = vars
	if err := r.Store.PutEnv(ctx, rec); err != nil {
		return fmt.Errorf("revive %s: record its endpoints: %w", res.EnvID, err)
	}
	return nil
}
