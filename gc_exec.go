package berth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/gc"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/store"
)

// gcParallel is how many environments gc takes down at once (the gate
// bounds the daemon calls; this bounds the goroutines and the locks held).
const gcParallel = 4

// gcExecute carries out plan p: the environments' teardowns first, each
// under its lock and in the lifecycle order (containers, networks once
// empty, volumes), then the remaining volumes, images and the build cache.
// results[i] is what happened to p.Actions[i].
func (m *Manager) gcExecute(ctx context.Context, db store.Store, locks lock.Dir, p gc.Plan) (results []GCResult, tornDown []string, errs []error) {
	results = make([]GCResult, len(p.Actions))
	for i, a := range p.Actions {
		results[i] = GCResult{Action: a, Outcome: GCSkipped, Detail: "not reached"}
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
	sem := make(chan struct{}, gcParallel)
	var wg sync.WaitGroup
	for _, td := range p.Teardowns {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			done, err := m.gcTeardown(ctx, db, locks, td, byEnv[td.Env], results)
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
		case gc.KindVolume:
			results[i], err = m.gcLoneVolume(ctx, db, locks, a)
		case gc.KindImage:
			results[i], err = m.gcImage(ctx, a)
		case gc.KindBuildCache:
			results[i], err = m.gcBuildCache(ctx, a)
		default:
			results[i] = GCResult{Action: a, Outcome: GCFailed, Detail: "no environment teardown planned for it"}
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return results, tornDown, errs
}

// gcTeardown takes environment td.Env down as planned, under its lock,
// if it is still as planned: no live lease, and the same record (or still
// none, for an orphan). idx are the indices of its actions in results.
func (m *Manager) gcTeardown(ctx context.Context, db store.Store, locks lock.Dir, td gc.Teardown, idx []int, results []GCResult) (bool, error) {
	skip := func(why string) (bool, error) {
		for _, i := range idx {
			results[i].Outcome, results[i].Detail = GCSkipped, why
		}
		return false, nil
	}
	unlock, ok, err := locks.TryAcquire("env-" + td.Env)
	if err != nil {
		_, _ = skip("its lock could not be taken: " + err.Error())
		return false, fmt.Errorf("gc: %s: %w", td.Env, err)
	}
	if !ok {
		return skip("its lock is held: being acquired")
	}
	defer unlock()
	why, err := m.gcRecheck(ctx, db, td)
	if err != nil {
		_, _ = skip("recheck failed: " + err.Error())
		return false, fmt.Errorf("gc: %s: %w", td.Env, err)
	}
	if why != "" {
		return skip(why)
	}
	if td.Known {
		if err := db.SetEnvState(ctx, td.Env, store.StateTearingDown); err != nil && !errors.Is(err, store.ErrNotFound) {
			return skip("mark it tearing down: " + err.Error())
		}
	}
	var failed []error
	var cs []int
	for _, i := range idx {
		if results[i].Action.Kind == gc.KindContainer {
			cs = append(cs, i)
		}
	}
	var wg sync.WaitGroup
	for _, i := range cs {
		wg.Go(func() {
			r, err := lifecycle.StopAndRemove(ctx, m.conn, results[i].Action.ID, lifecycle.StopOptions{})
			results[i] = outcome(results[i].Action, r.Gone, err)
		})
	}
	wg.Wait()
	owned := func(l map[string]string) bool { return l[labels.Env] == td.Env }
	for _, i := range idx {
		a := results[i].Action
		if a.Kind == gc.KindContainer {
			if results[i].Outcome == GCFailed {
				failed = append(failed, errors.New(results[i].Detail))
			}
			continue
		}
		if len(failed) > 0 {
			results[i].Outcome, results[i].Detail = GCSkipped, "a container of its environment would not go"
			continue
		}
		var err error
		var gone bool
		switch a.Kind {
		case gc.KindNetwork:
			err = lifecycle.RemoveNetwork(ctx, m.conn, a.ID, owned)
		case gc.KindVolume:
			err = m.conn.VolumeRemove(ctx, a.ID)
			gone = errors.Is(err, engine.ErrNotFound)
			if gone {
				err = nil
			}
		}
		results[i] = outcome(a, gone, err)
		if err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		return false, fmt.Errorf("gc: tear down %s: %w", td.Env, errors.Join(failed...))
	}
	if td.Known {
		if err := db.DeleteEnv(ctx, td.Env); err != nil {
			return false, err
		}
	}
	m.log.Info("environment torn down by gc", "env", td.Env, "reason", td.Reason)
	return true, nil
}

// gcRecheck says why environment td must not be taken down after all
// ("" = go ahead). The caller holds its lock.
func (m *Manager) gcRecheck(ctx context.Context, db store.Store, td gc.Teardown) (string, error) {
	live, _, err := m.leases(ctx, db, td.Env)
	if err != nil {
		return "", err
	}
	if len(live) > 0 {
		return fmt.Sprintf("acquired since the plan was made: %d live lease(s)", len(live)), nil
	}
	rec, err := db.Env(ctx, td.Env)
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
	}
	return "", nil
}

// gcLoneVolume removes a volume outside any teardown; a berth volume
// under its environment's lock, and only while that has no live lease.
func (m *Manager) gcLoneVolume(ctx context.Context, db store.Store, locks lock.Dir, a gc.Action) (GCResult, error) {
	if a.Env != "" {
		unlock, ok, err := locks.TryAcquire("env-" + a.Env)
		if err != nil {
			return GCResult{Action: a, Outcome: GCFailed, Detail: err.Error()}, err
		}
		if !ok {
			return GCResult{Action: a, Outcome: GCSkipped, Detail: "its environment's lock is held"}, nil
		}
		defer unlock()
		live, _, err := m.leases(ctx, db, a.Env)
		if err != nil {
			return GCResult{Action: a, Outcome: GCFailed, Detail: err.Error()}, err
		}
		if len(live) > 0 {
			return GCResult{Action: a, Outcome: GCSkipped, Detail: "its environment was acquired since the plan was made"}, nil
		}
	}
	err := m.conn.VolumeRemove(ctx, a.ID)
	if errors.Is(err, engine.ErrConflict) {
		return GCResult{Action: a, Outcome: GCSkipped, Detail: "in use now"}, nil
	}
	gone := errors.Is(err, engine.ErrNotFound)
	if gone {
		err = nil
	}
	return outcome(a, gone, err), err
}

// gcImage removes an image, never forced: by ID when it has one tag or
// none, else each of its planned tags, then its ID if still there. An image whose tags changed since the plan
// is skipped; one in use or with dependent images now is skipped at the
// daemon's refusal (a tag removed before that refusal stays removed: the
// daemon only untags an image that has other tags).
func (m *Manager) gcImage(ctx context.Context, a gc.Action) (GCResult, error) {
	im, err := m.conn.ImageInspect(ctx, a.ID)
	if errors.Is(err, engine.ErrNotFound) {
		return outcome(a, true, nil), nil
	}
	if err != nil {
		return outcome(a, false, err), err
	}
	now := slices.DeleteFunc(slices.Clone(im.RepoTags), func(t string) bool { return t == "<none>:<none>" })
	slices.Sort(now)
	planned := slices.Sorted(slices.Values(a.Tags))
	if !slices.Equal(now, planned) {
		return GCResult{Action: a, Outcome: GCSkipped, Detail: fmt.Sprintf("its tags changed since the plan: %v", now)}, nil
	}
	refs := append(planned, a.ID)
	if len(planned) <= 1 {
		// By ID alone: a tag moved to another image meanwhile stays put.
		refs = []string{a.ID}
	}
	for _, ref := range refs {
		err := m.conn.ImageRemove(ctx, ref)
		switch {
		case err == nil, errors.Is(err, engine.ErrNotFound):
		case errors.Is(err, engine.ErrConflict):
			return GCResult{Action: a, Outcome: GCSkipped, Detail: "in use now or has dependent images: " + firstLine(err.Error())}, nil
		default:
			return outcome(a, false, err), err
		}
	}
	return outcome(a, false, nil), nil
}

// gcBuildCache prunes the whole build cache (what is not in use).
func (m *Manager) gcBuildCache(ctx context.Context, a gc.Action) (GCResult, error) {
	rep, err := m.conn.BuildCachePrune(ctx, engine.PruneOptions{All: true})
	if err != nil {
		return outcome(a, false, err), err
	}
	return GCResult{Action: a, Outcome: GCRemoved, Reclaimed: rep.SpaceReclaimed}, nil
}

// outcome is the result of an action that removed (or found gone) its
// resource, or failed with err.
func outcome(a gc.Action, gone bool, err error) GCResult {
	switch {
	case err != nil:
		return GCResult{Action: a, Outcome: GCFailed, Detail: err.Error()}
	case gone:
		return GCResult{Action: a, Outcome: GCGone}
	}
	r := GCResult{Action: a, Outcome: GCRemoved}
	if a.Size > 0 {
		r.Reclaimed = a.Size
	}
	return r
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
