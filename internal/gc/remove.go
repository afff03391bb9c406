package gc

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/lock"
)

// loneVolume removes a volume outside any teardown; a berth volume under
// its environment's lock, and only while that has no live lease.
func (c *Collector) loneVolume(ctx context.Context, a Action) (Result, error) {
	if a.Env != "" {
		unlock, ok, err := c.Locks.TryAcquire(lock.EnvName(a.Env))
		if err != nil {
			return Result{Action: a, Outcome: Failed, Detail: err.Error()}, err
		}
		if !ok {
			return Result{Action: a, Outcome: Skipped, Detail: "its environment's lock is held"}, nil
		}
		defer unlock()
		live, _, err := c.Leases.Split(ctx, a.Env)
		if err != nil {
			return Result{Action: a, Outcome: Failed, Detail: err.Error()}, err
		}
		if len(live) > 0 {
			return Result{Action: a, Outcome: Skipped, Detail: "its environment was acquired since the plan was made"}, nil
		}
	}
	err := c.Engine.VolumeRemove(ctx, a.ID)
	if errors.Is(err, engine.ErrConflict) {
		return Result{Action: a, Outcome: Skipped, Detail: "in use now"}, nil
	}
	gone := errors.Is(err, engine.ErrNotFound)
	if gone {
		err = nil
	}
	return outcome(a, gone, err), err
}

// image removes an image, never forced: by ID when it has one tag or
// none, else each of its planned tags, then its ID if still there. An
// image whose tags changed since the plan is skipped; one in use or with
// dependent images now is skipped at the daemon's refusal (a tag removed
// before that refusal stays removed: the daemon only untags an image that
// has other tags).
func (c *Collector) image(ctx context.Context, a Action) (Result, error) {
	im, err := c.Engine.ImageInspect(ctx, a.ID)
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
		return Result{Action: a, Outcome: Skipped, Detail: fmt.Sprintf("its tags changed since the plan: %v", now)}, nil
	}
	refs := append(planned, a.ID)
	if len(planned) <= 1 {
		// By ID alone: a tag moved to another image meanwhile stays put.
		refs = []string{a.ID}
	}
	for _, ref := range refs {
		err := c.Engine.ImageRemove(ctx, ref)
		switch {
		case err == nil, errors.Is(err, engine.ErrNotFound):
		case errors.Is(err, engine.ErrConflict):
			return Result{Action: a, Outcome: Skipped, Detail: "in use now or has dependent images: " + firstLine(err.Error())}, nil
		default:
			return outcome(a, false, err), err
		}
	}
	return outcome(a, false, nil), nil
}

// buildCache prunes the whole build cache (what is not in use).
func (c *Collector) buildCache(ctx context.Context, a Action) (Result, error) {
	rep, err := c.Engine.BuildCachePrune(ctx, engine.PruneOptions{All: true})
	if err != nil {
		return outcome(a, false, err), err
	}
	return Result{Action: a, Outcome: Removed, Reclaimed: rep.SpaceReclaimed}, nil
}

// outcome is the result of an action that removed (or found gone) its
// resource, or failed with err.
func outcome(a Action, gone bool, err error) Result {
	switch {
	case err != nil:
		return Result{Action: a, Outcome: Failed, Detail: err.Error()}
	case gone:
		return Result{Action: a, Outcome: Gone}
	}
	r := Result{Action: a, Outcome: Removed}
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
