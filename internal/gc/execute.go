package gc

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/store"
)

// parallel is how many environments gc takes down at once (the gate
// bounds the daemon calls; this bounds the goroutines and the locks held).
const parallel = 4

// execute carries out plan p: the environments' teardowns first, each
// under its lock and in the lifecycle order (containers, networks once
// empty, volumes), then the remaining volumes, images and the build cache.
// results[i] is what happened to p.Actions[i].
func (c *Collector) execute(ctx context.Context, p Plan) (results []Result, tornDown []string, errs []error) {
	results = make([]Result, len(p.Actions))
	for i, a := range p.Actions {
		results[i] = Result{Action: a, Outcome: Skipped, Detail: "not reached"}
	}
	byEnv := map[string][]int{} // teardown environment -> indices of its actions
	for _, td := range p.Teardowns {
		byEnv[td.Env] = nil
	}
	for i, a := range p.Actions {
		if _, ok := byEnv[a.Env]; ok && a.Env != "" {
			byEnv[a.Env] = append(byEnv[a.Env], i)
		}
	}
	var mu sync.Mutex
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for _, td := range p.Teardowns {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			done, err := c.teardown(ctx, td, byEnv[td.Env], results)
			mu.Lock()
			defer mu.Unlock()
			if done {
				tornDown = append(tornDown, td.Env)
			}
			if err != nil {
				errs = append(errs, err)
			}
		})
	}
	wg.Wait()
	slices.Sort(tornDown)
	for i, a := range p.Actions {
		if _, inTeardown := byEnv[a.Env]; inTeardown && a.Env != "" {
			continue
		}
		var err error
		switch a.Kind {
		case KindVolume:
			results[i], err = c.loneVolume(ctx, a)
		case KindImage:
			results[i], err = c.image(ctx, a)
		case KindBuildCache:
			results[i], err = c.buildCache(ctx, a)
		default:
			results[i] = Result{Action: a, Outcome: Failed, Detail: "no environment teardown planned for it"}
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return results, tornDown, errs
}

// teardown takes environment td.Env down as planned, under its lock, if
// it is still as planned: no live lease, and the same record (or still
// none, for an orphan). idx are the indices of its actions in results.
func (c *Collector) teardown(ctx context.Context, td Teardown, idx []int, results []Result) (bool, error) {
	skip := func(why string) (bool, error) {
		for _, i := range idx {
			results[i].Outcome, results[i].Detail = Skipped, why
		}
		return false, nil
	}
	unlock, ok, err := c.Locks.TryAcquire(lock.EnvName(td.Env))
	if err != nil {
		_, _ = skip("its lock could not be taken: " + err.Error())
		return false, fmt.Errorf("gc: %s: %w", td.Env, err)
	}
	if !ok {
		return skip("its lock is held: being acquired")
	}
	defer unlock()
	why, err := c.Recheck(ctx, td)
	if err != nil {
		_, _ = skip("recheck failed: " + err.Error())
		return false, fmt.Errorf("gc: %s: %w", td.Env, err)
	}
	if why != "" {
		return skip(why)
	}
	if td.Known {
		if err := c.Store.SetEnvState(ctx, td.Env, store.StateTearingDown); err != nil && !errors.Is(err, store.ErrNotFound) {
			return skip("mark it tearing down: " + err.Error())
		}
	}
	if failed := c.removeAll(ctx, td.Env, idx, results); len(failed) > 0 {
		return false, fmt.Errorf("gc: tear down %s: %w", td.Env, errors.Join(failed...))
	}
	if err := lifecycle.RemoveFiles(c.FilesDir, td.Env); err != nil {
		return false, fmt.Errorf("gc: %w", err)
	}
	if td.Known {
		if err := c.Store.DeleteEnv(ctx, td.Env); err != nil {
			return false, err
		}
	}
	c.Log.Info("environment torn down by gc", "env", td.Env, "reason", td.Reason)
	return true, nil
}

// removeAll removes one environment's planned resources: its containers
// at once (each stopped gracefully), then, if all went, its networks and
// volumes. It returns what failed.
func (c *Collector) removeAll(ctx context.Context, envID string, idx []int, results []Result) (failed []error) {
	var wg sync.WaitGroup
	for _, i := range idx {
		if results[i].Action.Kind == KindContainer {
			wg.Go(func() {
				r, err := lifecycle.StopAndRemove(ctx, c.Engine, results[i].Action.ID, lifecycle.StopOptions{})
				results[i] = outcome(results[i].Action, r.Gone, err)
			})
		}
	}
	wg.Wait()
	owned := func(l map[string]string) bool { return l[labels.Env] == envID }
	for _, i := range idx {
		a := results[i].Action
		if a.Kind == KindContainer {
			if results[i].Outcome == Failed {
				failed = append(failed, errors.New(results[i].Detail))
			}
			continue
		}
		if len(failed) > 0 {
			results[i].Outcome, results[i].Detail = Skipped, "a container of its environment would not go"
			continue
		}
		var err error
		var gone bool
		switch a.Kind {
		case KindNetwork:
			err = lifecycle.RemoveNetwork(ctx, c.Engine, a.ID, owned)
		case KindVolume:
			err = c.Engine.VolumeRemove(ctx, a.ID)
			if gone = errors.Is(err, engine.ErrNotFound); gone {
				err = nil
			}
		}
		results[i] = outcome(a, gone, err)
		if err != nil {
			failed = append(failed, err)
		}
	}
	return failed
}

// Recheck says why environment td must not be taken down after all ("" =
// go ahead): a lease taken, the record changed or recreated, an orphan
// recorded since the plan was made. The caller holds its lock.
func (c *Collector) Recheck(ctx context.Context, td Teardown) (string, error) {
	live, _, err := c.Leases.Split(ctx, td.Env)
	if err != nil {
		return "", err
	}
	if len(live) > 0 {
		return fmt.Sprintf("acquired since the plan was made: %d live lease(s)", len(live)), nil
	}
	rec, err := c.Store.Env(ctx, td.Env)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", nil // unknown, or forgotten meanwhile: its resources are still to go
	case err != nil:
		return "", err
	case !td.Known:
		return "recorded in the store since the plan was made", nil
	case !rec.CreatedAt.Equal(td.CreatedAt):
		return "recreated since the plan was made", nil
	case !rec.IdleSince.Equal(td.IdleSince):
		return "used since the plan was made", nil
	case td.Pooled && rec.State != store.StatePooled:
		return "taken from the warm pool since the plan was made", nil
	}
	return "", nil
}
