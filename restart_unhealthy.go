package berth

import (
	"context"
	"maps"
	"slices"

	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/plan"
)

// RestartUnhealthy restarts in place, with force (recorded as forced),
// every service of the shared environment o describes that has a
// container but is not healthy; healthy services are left alone. It is
// what `berth run --force-restart` does before acquiring, so that the
// acquisition reuses the repaired environment instead of recreating it
// whole. An environment that is not up, and a dedicated acquisition (a
// new copy anyway), are left alone. It stops at the first failed restart.
func (m *Manager) RestartUnhealthy(ctx context.Context, o Options) ([]RestartResult, error) {
	r, err := m.resolve(ctx, o)
	if err != nil || r.plan.ID.Mode != ModeShared {
		return nil, err
	}
	db, locks, err := m.state(ctx)
	if err != nil {
		return nil, err
	}
	id := r.plan.ID.EnvID
	unlock, err := m.envLock(ctx, locks, id)
	if err != nil {
		return nil, err
	}
	defer unlock()
	st, err := lifecycle.Status(ctx, m.conn, id)
	if err != nil {
		return nil, err
	}
	var out []RestartResult
	for _, name := range slices.Sorted(maps.Keys(r.plan.Services)) {
		sp := r.plan.Services[name]
		if !slices.ContainsFunc(st.Services, func(s lifecycle.ServiceStatus) bool { return s.Service == name }) {
			continue // no container: the acquisition recreates the environment
		}
		if ok, _ := st.Healthy(&plan.Plan{Services: map[string]plan.ServicePlan{name: sp}}); ok {
			continue
		}
		res, err := m.restartLocked(ctx, db, id, sp, r.restart, true)
		if err != nil {
			return out, err
		}
		out = append(out, res)
	}
	return out, nil
}
