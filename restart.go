package berth

import (
	"context"

	"github.com/berth-dev/berth/internal/restart"
)

// RestartResult says what [Manager.Restart] did.
type RestartResult = restart.Result

// Actions of a [RestartResult].
const (
	RestartNone      = restart.None      // the service was healthy: nothing done
	RestartRestarted = restart.Restarted // restarted within the limits
	RestartForced    = restart.Forced    // restarted with force, whatever the limits
)

// Restart restarts service of the shared environment o describes, unless
// it is healthy (running, and healthy when it has a health check): a
// healthy service is left alone unless force is set. Simultaneous callers
// in any process decide one at a time under the environment's lock: the
// first restarts, the others find it healthy. Restarts are limited per
// service (cooldown, attempts per window, a breaker for a service that
// keeps dying; BERTH_RESTART_*, x-berth.restart) with a history every
// berth process of the daemon shares; a refusal is a
// [*RestartRefusedError]. force overrides the limits and is recorded as
// forced. An unknown service is an [*InputError], found before any Docker
// call.
func (m *Manager) Restart(ctx context.Context, o Options, service string, force bool) (RestartResult, error) {
	r, err := m.res.Shared(ctx, o.request())
	if err != nil {
		return RestartResult{}, err
	}
	return m.RestartEnv(ctx, r.ID(), o, service, force)
}

// RestartEnv is [Manager.Restart] for environment envID (berth restart
// --env). When o names compose files, they supply x-berth.restart, which
// services exist and which declare a health check; otherwise the
// environment variables and defaults apply, and the daemon's view of the
// environment decides.
func (m *Manager) RestartEnv(ctx context.Context, envID string, o Options, service string, force bool) (RestartResult, error) {
	pol, sp, err := restart.Setup(ctx, m.res, o.request(), service)
	if err != nil {
		return RestartResult{EnvID: envID, Service: service}, err
	}
	sys, err := m.system(ctx)
	if err != nil {
		return RestartResult{EnvID: envID, Service: service}, err
	}
	return sys.restarter.Restart(ctx, envID, sp, pol, force)
}

// RestartUnhealthy restarts in place, with force, every service of the
// shared environment o describes that has a container but is not healthy.
// It is what `berth run --force-restart` does before acquiring, so the
// acquisition reuses the repaired environment instead of recreating it.
// A dedicated acquisition, and an environment that is not up, are left
// alone.
func (m *Manager) RestartUnhealthy(ctx context.Context, o Options) ([]RestartResult, error) {
	r, err := m.res.Resolve(ctx, o.request())
	if err != nil || r.Plan.ID.Mode != ModeShared {
		return nil, err // a dedicated acquisition makes a new copy anyway
	}
	sys, err := m.system(ctx)
	if err != nil {
		return nil, err
	}
	return sys.restarter.Unhealthy(ctx, r)
}
