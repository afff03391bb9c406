package berth

// The hand-off of `berth audit`'s resource section; a test suite needs
// none of it.

import (
	"context"

	"github.com/berth-dev/berth/internal/audit/live"
	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/gc"
)

// DaemonResources is the resource section of `berth audit` (see package
// internal/audit/live).
type DaemonResources = live.Resources

// AuditResources is the resource section of `berth audit`: disk usage,
// exited and created containers, memory against limits, unused volumes
// and berth environments past their stale age (BERTH_STALE_AFTER, else
// gc's default), read from the daemon through the gate and bounded by a
// short timeout (see package internal/audit/live). An unreachable daemon
// is part of the answer, not an error; the error is a bad
// BERTH_STALE_AFTER, found before any Docker call. It only reads.
func (m *Manager) AuditResources(ctx context.Context) (DaemonResources, error) {
	env, err := config.EnvFromEnv(m.getenv)
	if err != nil {
		return DaemonResources{}, err
	}
	stale := gc.DefaultStaleAfter
	if env.StaleAfter != nil {
		stale = *env.StaleAfter
	}
	f := live.Gather(ctx, m.conn, live.Options{Now: m.clock.Now, StaleAfter: stale, Log: m.log})
	return live.Evaluate(f), nil
}
