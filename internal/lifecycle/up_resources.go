package lifecycle

import (
	"context"
	"fmt"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/plan"
)

// ensureResources creates the networks and volumes of p, reusing the ones
// this environment created already.
func ensureResources(ctx context.Context, e engine.Engine, p *plan.Plan, locker Locker) error {
	for _, n := range p.Networks {
		if _, err := EnsureNetwork(ctx, e, locker, n.Spec); err != nil {
			return err
		}
	}
	for _, v := range p.Volumes {
		got, err := e.VolumeCreate(ctx, v.Spec)
		if err != nil {
			return fmt.Errorf("create volume %s: %w", v.Spec.Name, err)
		}
		// The daemon returns an existing volume of that name as it is.
		if env := got.Labels[labels.Env]; env != p.ID.EnvID {
			return fmt.Errorf("create volume %s: it exists and belongs to %s: %w; remove or rename it",
				v.Spec.Name, owner(env), ErrNotOwned)
		}
		if f := foreignTo(v.Spec.Labels, got.Labels); f != "" {
			return fmt.Errorf("create volume %s: it exists, made by another berth state directory (%s): %w; it is not used, nor removed",
				v.Spec.Name, f, ErrNotOwned)
		}
	}
	return nil
}

func owner(env string) string {
	if env == "" {
		return "no berth environment"
	}
	return "environment " + env
}

// noLock is the [Locker] of an [Up] given none: it excludes nothing.
type noLock struct{}

func (noLock) Acquire(context.Context, string) (func() error, error) {
	return func() error { return nil }, nil
}
