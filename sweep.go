package berth

import (
	"context"
	"errors"
	"time"

	"github.com/berth-dev/berth/internal/proc"
	"github.com/berth-dev/berth/internal/store"
)

// live reports whether lease l's holder is still there.
func (m *Manager) live(l store.Lease) bool {
	return store.LeaseLive(l, m.now(), m.host, proc.Alive)
}

// leases splits an environment's leases into live and dead ones.
func (m *Manager) leases(ctx context.Context, db *store.Store, envID string) (live, dead []store.Lease, err error) {
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
func (m *Manager) reapDeadLeases(ctx context.Context, db *store.Store) ([]store.Lease, error) {
	return db.ReapLeases(ctx, func(l store.Lease) bool { return !m.live(l) }, m.now())
}

// recordsKept is how long op, usage, restart and event records are kept.
const recordsKept = 7 * 24 * time.Hour

// GCReport says what [Manager.GC] did.
type GCReport struct {
	ReapedLeases []string // lease IDs whose holders were gone
	TornDown     []string // environment IDs taken down
	Lingering    []string // idle environments whose linger has not passed
}

// GC reaps dead leases and tears down every environment that has no live
// lease and whose linger has passed. An environment whose lock is held
// (being created or acquired) is left alone.
func (m *Manager) GC(ctx context.Context) (GCReport, error) {
	var rep GCReport
	db, locks, err := m.state(ctx)
	if err != nil {
		return rep, err
	}
	reaped, err := m.reapDeadLeases(ctx, db)
	if err != nil {
		return rep, err
	}
	for _, l := range reaped {
		rep.ReapedLeases = append(rep.ReapedLeases, l.ID)
	}
	// Statistics cover a week: older op, usage, restart and event records go.
	if err := db.PruneRecords(ctx, m.now().Add(-recordsKept)); err != nil {
		m.log.Warn("prune old records", "err", err)
	}
	envs, err := db.Envs(ctx)
	if err != nil {
		return rep, err
	}
	var errs []error
	for _, e := range envs {
		if !m.idleExpired(ctx, db, e) {
			if !e.IdleSince.IsZero() {
				rep.Lingering = append(rep.Lingering, e.ID)
			}
			continue
		}
		done, err := m.teardownIfIdle(ctx, db, tryLock(locks.TryAcquire), e.ID,
			func(rec store.Env) bool { return m.idleExpired(ctx, db, rec) })
		if err != nil {
			errs = append(errs, err)
		}
		if done {
			rep.TornDown = append(rep.TornDown, e.ID)
		}
	}
	return rep, errors.Join(errs...)
}

// idleExpired reports whether e has no live lease and has been idle for
// its linger. An environment that never had a lease counts as idle since
// its creation (its creator died before leasing it).
func (m *Manager) idleExpired(ctx context.Context, db *store.Store, e store.Env) bool {
	live, _, err := m.leases(ctx, db, e.ID)
	if err != nil || len(live) > 0 {
		return false
	}
	since := e.IdleSince
	if since.IsZero() {
		since = e.CreatedAt
	}
	linger := e.Linger
	if e.Mode == ModeDedicated {
		linger = 0
	}
	return !m.now().Before(since.Add(linger))
}

// tryLock adapts a non-blocking lock to teardownIfIdle's lock function:
// a busy lock yields a nil release.
func tryLock(try func(string) (func() error, bool, error)) func(context.Context, string) (func() error, error) {
	return func(_ context.Context, name string) (func() error, error) {
		release, ok, err := try(name)
		if err != nil || !ok {
			return nil, err
		}
		return release, nil
	}
}
