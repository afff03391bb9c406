package berth

import (
	"context"

	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/progress"
)

// PullError is an image a stack needs that berth could not get (not in
// the registry, credentials refused, the registry unreachable after
// retries, or pull_policy never and the image absent). Nothing was
// created. The CLI exits 3 on it.
type PullError = lifecycle.PullError

// Pull gets the images of the stack o describes as creating it would
// (each service's pull_policy decides; built images are not pulled),
// reporting progress on o.Progress. A CI cache step runs it ahead of the
// tests. Acquire pulls what it needs by itself.
func (m *Manager) Pull(ctx context.Context, o Options) error {
	r, err := m.res.Shared(ctx, o.request())
	if err != nil {
		return err
	}
	if _, err := m.system(ctx); err != nil {
		return err
	}
	return lifecycle.PullImages(ctx, m.conn, r.Plan, progress.For(o.Progress))
}
