package berth

import (
	"context"
	"fmt"

	"github.com/berth-dev/berth/internal/revive"
	"github.com/berth-dev/berth/internal/store"
)

// Revived is one environment [Manager.Revive] found stopped by a daemon
// restart and started again: EnvID, the Services started again, the
// endpoint variables whose value Changed (ephemeral ports; fixed ports
// come back as they were), and Err when it did not come back ready (the
// normal rules apply at its next acquire: recreated when no live lease
// holds it, else reported).
type Revived = revive.Outcome

// EndpointChange is one endpoint variable a revival changed.
type EndpointChange = revive.Change

// Revive brings back, in place, every environment of this daemon whose
// containers a daemon restart stopped (the daemon started after they
// last started, and they exited as a stop ends them, at that moment:
// see package internal/revive for how the daemon's start is told). Each
// is started in dependency order with health waits, under its lock taken
// without waiting: an environment whose lock is held is left to its
// holder (an acquirer revives it itself). Revivals are recorded as
// restarts of kind "revived", which the restart limits do not count.
// `berth serve` calls it when the daemon answers again after being down;
// acquire does the same for the environment it acquires.
func (m *Manager) Revive(ctx context.Context) ([]Revived, error) {
	sys, err := m.system(ctx)
	if err != nil {
		return nil, err
	}
	envs, err := sys.db.Envs(ctx)
	if err != nil {
		return nil, fmt.Errorf("revive: list environments: %w", err)
	}
	var ids []string
	for _, e := range envs {
		if e.State == store.StateReady {
			ids = append(ids, e.ID)
		}
	}
	return sys.reviver.Sweep(ctx, ids, sys.locks)
}
