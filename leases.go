package berth

import (
	"context"

	"github.com/berth-dev/berth/internal/proc"
	"github.com/berth-dev/berth/internal/store"
)

// live reports whether lease l's holder is still there.
func (m *Manager) live(l store.Lease) bool {
	return store.LeaseLive(l, m.now(), m.host, proc.Alive)
}

// leases splits an environment's leases into live and dead ones.
func (m *Manager) leases(ctx context.Context, db store.Store, envID string) (live, dead []store.Lease, err error) {
	all, err := db.Leases(ctx, envID)
	if err != nil {
		return nil, nil, err
	}
	for _, l := range all {
		if m.live(l) {
			live = append(live, l)
		} else {
			dead = append(dead, l)
		}
	}
	return live, dead, nil
}

// reapDeadLeases deletes every lease whose holder is gone.
func (m *Manager) reapDeadLeases(ctx context.Context, db store.Store) ([]store.Lease, error) {
	return db.ReapLeases(ctx, func(l store.Lease) bool { return !m.live(l) }, m.now())
}
