package stress

import (
	"context"
	"errors"
	"fmt"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lifecycle"
)

// cleanup takes down what the naive load left: compose down for each
// project, then whatever remains by ID through berth's gate (graceful
// stop, removal without force; the ambiguous duplicate networks compose
// v1 leaves can only be removed by ID).
func (n *Naive) cleanup(ctx context.Context, c Config) error {
	projects := []string{n.Project}
	if c.Mode == ModeDedicated {
		projects = projects[:0]
		for i := 1; i <= c.Runners; i++ {
			projects = append(projects, n.project(c.Mode, i))
		}
	}
	for _, p := range projects {
		_, _ = n.command(ctx, append(n.argv(p), "down", "-v", "--remove-orphans")...)
	}
	f := engine.ListFilter{All: true, Labels: map[string]string{labels.ComposeProject: ""}}
	var errs []error
	cs, err := c.Engine.ContainerList(ctx, f)
	errs = append(errs, err)
	for _, ct := range cs {
		if n.mine(ct.Labels) {
			_, err := lifecycle.StopAndRemove(ctx, c.Engine, ct.ID, lifecycle.StopOptions{})
			errs = append(errs, err)
		}
	}
	ns, err := c.Engine.NetworkList(ctx, f)
	errs = append(errs, err)
	for _, nw := range ns {
		if n.mine(nw.Labels) {
			errs = append(errs, c.Engine.NetworkRemove(ctx, nw.ID))
		}
	}
	vs, err := c.Engine.VolumeList(ctx, f)
	errs = append(errs, err)
	for _, v := range vs {
		if n.mine(v.Labels) {
			errs = append(errs, c.Engine.VolumeRemove(ctx, v.Name))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("clean up after the naive load: %w", err)
	}
	return nil
}
