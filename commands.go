package berth

// The hand-offs below serve the berth command (ps, env, down, stats, run);
// a test suite needs none of them.

import (
	"context"
	"time"

	"github.com/berth-dev/berth/internal/query"
	"github.com/berth-dev/berth/internal/resolve"
	"github.com/berth-dev/berth/internal/stats"
	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/watch"
)

// What `berth ps` and `berth env` show (see package internal/query).
type (
	EnvInfo     = query.EnvInfo     // one environment
	LeaseInfo   = query.LeaseInfo   // one lease and whether its holder is alive
	ServiceInfo = query.ServiceInfo // one service container, with its memory now
)

// What `berth stats` shows (see package internal/stats).
type (
	Stats           = stats.Stats
	ServiceRestarts = stats.ServiceRestarts
	UsageStats      = stats.UsageStats
	OpKindStats     = stats.OpKindStats
	OOMKill         = stats.OOMKill
	MemorySample    = stats.MemorySample
)

// List describes every environment the store knows, plus any found on the
// daemon by its labels that the store does not. Running services carry a
// one-shot memory sample against their limit.
func (m *Manager) List(ctx context.Context) ([]EnvInfo, error) {
	sys, err := m.system(ctx)
	if err != nil {
		return nil, err
	}
	return sys.queries.List(ctx)
}

// Env looks up a known environment's record; an unknown one is
// [ErrNoSuchEnv].
func (m *Manager) Env(ctx context.Context, id string) (EnvInfo, error) {
	sys, err := m.system(ctx)
	if err != nil {
		return EnvInfo{}, err
	}
	return sys.queries.Env(ctx, id)
}

// EnvFor finds the environment a command that names only compose files
// means: the project's shared environment when it exists (and dedicated
// mode is not asked for), else the one environment of the project on
// which process holderPID holds a lease.
func (m *Manager) EnvFor(ctx context.Context, o Options, holderPID int) (string, error) {
	shared, err := m.res.Shared(ctx, o.request())
	if err != nil {
		return "", err
	}
	sys, err := m.system(ctx)
	if err != nil {
		return "", err
	}
	dedicated := resolve.Pick(o.Dedicated, m.res.Dedicated(), nil, false)
	return sys.queries.EnvFor(ctx, shared, dedicated, holderPID)
}

// ProjectEnvs lists the IDs of every known environment of the project o
// describes (its shared one and any dedicated copies).
func (m *Manager) ProjectEnvs(ctx context.Context, o Options) ([]string, error) {
	shared, err := m.res.Shared(ctx, o.request())
	if err != nil {
		return nil, err
	}
	sys, err := m.system(ctx)
	if err != nil {
		return nil, err
	}
	return sys.queries.ProjectEnvs(ctx, shared.Project.Name)
}

// ReleaseHolder releases every lease that process pid on this host holds
// on environment envID, and returns how many it released.
func (m *Manager) ReleaseHolder(ctx context.Context, envID string, pid int, o ReleaseOptions) (int, error) {
	sys, err := m.system(ctx)
	if err != nil {
		return 0, err
	}
	return sys.releaser.ReleaseHolder(ctx, envID, pid, o)
}

// Stats reports every berth process's records of this daemon over the
// last since (0: all kept) and the memory pressure now.
func (m *Manager) Stats(ctx context.Context, since time.Duration) (Stats, error) {
	sys, err := m.system(ctx)
	if err != nil {
		return Stats{}, err
	}
	return sys.reporter.Report(ctx, since)
}

// Watch records the die, oom, restart and health events of environment
// envID's containers in the store until the returned stop is called, so
// engine restarts count against the restart limits and OOM kills show in
// stats. berth run watches for its whole duration.
func (m *Manager) Watch(ctx context.Context, envID string) (stop func()) {
	sys, err := m.system(ctx)
	if err != nil {
		m.log.Warn("watch environment", "env", envID, "err", err)
		return func() {}
	}
	w := watch.Start(ctx, m.conn, sys.db, envID, m.log)
	return func() { _ = w.Close() }
}

// OpRecord is one Docker call a berth process made through the gate, as
// the store keeps it (see [Manager.OpRecords]).
type OpRecord = store.OpRecord

// OpRecords returns every berth process's Docker call records of this
// daemon that started at or after since, oldest first, including this
// process's calls so far. berth stress reads them.
func (m *Manager) OpRecords(ctx context.Context, since time.Time) ([]OpRecord, error) {
	sys, err := m.system(ctx)
	if err != nil {
		return nil, err
	}
	if err := sys.reporter.FlushOps(ctx); err != nil {
		return nil, err
	}
	return sys.db.Ops(ctx, since)
}
