package berth

import (
	"context"

	"github.com/berth-dev/berth/internal/watch"
)

// Watch records the die, oom, restart and health events of environment
// envID's containers in the store until the returned stop is called, so
// engine restarts count against the restart limits and OOM kills show in
// stats. berth run watches for its whole duration.
func (m *Manager) Watch(ctx context.Context, envID string) (stop func()) {
	db, _, err := m.state(ctx)
	if err != nil {
		m.log.Warn("watch environment", "env", envID, "err", err)
		return func() {}
	}
	w := watch.Start(ctx, m.conn, db, envID, m.log)
	return func() { _ = w.Close() }
}
