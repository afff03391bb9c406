package berth

import (
	"context"

	"github.com/berth-dev/berth/internal/release"
)

// Acquire takes a lease on the environment o describes, creating it (and
// waiting until it is ready) when no healthy one exists. Parallel
// acquirers of one shared environment wait on its lock instead of
// creating duplicates; a broken one nobody uses is recreated; one in use
// is never taken from its holders. If the store was lost, a running
// environment is found again by its labels. Bad input is refused before
// any Docker call.
func (m *Manager) Acquire(ctx context.Context, o Options) (*Env, error) {
	r, err := m.res.Resolve(ctx, o.request())
	if err != nil {
		return nil, err
	}
	sys, err := m.system(ctx)
	if err != nil {
		return nil, err
	}
	got, err := sys.acquirer.Acquire(ctx, r, o.acquisition())
	if err != nil {
		return nil, err
	}
	return newEnv(m, got.Env, got.Lease, got.Reused, got.Hold), nil
}

// ReleaseOptions tune [Manager.Release].
type ReleaseOptions = release.Options

// Release gives up lease leaseID. When it was the last live lease, the
// environment lingers for reuse and is then taken down by gc; at once for
// a linger of 0, a dedicated environment, or [ReleaseOptions].Now. An
// unknown lease counts as released.
func (m *Manager) Release(ctx context.Context, leaseID string, o ReleaseOptions) error {
	sys, err := m.system(ctx)
	if err != nil {
		return err
	}
	return sys.releaser.Release(ctx, leaseID, o)
}
