package berth

import (
	"context"
	"errors"
	"fmt"

	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/store"
)

// ReleaseOptions tune [Manager.Release].
type ReleaseOptions struct {
	// Now tears the environment down at once when no other live lease
	// remains, whatever its linger.
	Now bool
	// Keep leaves the environment up even when its linger is 0 (berth run
	// --no-cleanup); berth gc takes it down once its linger has passed.
	Keep bool
}

// Release gives up lease leaseID. An unknown lease counts as released.
func (m *Manager) Release(ctx context.Context, leaseID string, o ReleaseOptions) error {
	db, locks, err := m.state(ctx)
	if err != nil {
		return err
	}
	l, err := db.Lease(ctx, leaseID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := db.ReleaseLease(ctx, leaseID, m.now()); err != nil {
		return fmt.Errorf("release lease %s: %w", leaseID, err)
	}
	if err := db.RecordUsage(ctx, store.UsageRecord{Time: m.now(), EnvID: l.EnvID, Kind: store.UsageRelease}); err != nil {
		m.log.Warn("record usage", "err", err)
	}
	if o.Keep {
		return nil
	}
	rec, err := db.Env(ctx, l.EnvID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if o.Now || rec.Linger == 0 || rec.Mode == ModeDedicated {
		_, err := m.teardownIfIdle(ctx, db, locks, rec.ID)
		return err
	}
	return nil
}

// teardownIfIdle takes environment id down if, once it holds the
// environment's lock, the environment has no live lease.
func (m *Manager) teardownIfIdle(ctx context.Context, db store.Store, locks lock.Dir, id string) (bool, error) {
	unlock, err := m.envLock(ctx, locks, id)
	if err != nil {
		return false, err
	}
	defer unlock()
	live, _, err := m.leases(ctx, db, id)
	if err != nil || len(live) > 0 {
		return false, err
	}
	if err := db.SetEnvState(ctx, id, store.StateTearingDown); err != nil && !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	if _, err := lifecycle.Teardown(ctx, m.conn, id, lifecycle.TeardownOptions{}); err != nil {
		return false, fmt.Errorf("tear down %s: %w", id, err)
	}
	if err := db.DeleteEnv(ctx, id); err != nil {
		return false, err
	}
	m.log.Info("environment torn down", "env", id)
	return true, nil
}

// ReleaseHolder releases every lease that process pid on this host holds
// on environment envID, and returns how many it released.
func (m *Manager) ReleaseHolder(ctx context.Context, envID string, pid int, o ReleaseOptions) (int, error) {
	db, _, err := m.state(ctx)
	if err != nil {
		return 0, err
	}
	ls, err := db.Leases(ctx, envID)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, l := range ls {
		if l.Holder.PID != pid || l.Holder.Host != m.host {
			continue
		}
		if err := m.Release(ctx, l.ID, o); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	if n == 0 && o.Now && len(errs) == 0 {
		// Nothing of ours left: --now still takes an idle environment down.
		if _, err := m.teardownIfIdle(ctx, db, m.locks, envID); err != nil {
			errs = append(errs, err)
		}
	}
	return n, errors.Join(errs...)
}
