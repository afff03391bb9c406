// Package release gives leases up and decides what happens to an
// environment whose last lease went: it lingers for reuse (berth gc takes
// it down once the linger has passed, see package gc), or, for a linger of
// 0, a dedicated copy or an explicit --now, it is torn down at once under
// its lock if no live lease remains.
package release

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/berth-dev/berth/internal/clock"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/failure"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/plan"
	"github.com/berth-dev/berth/internal/store"
)

// Store is what releasing reads and writes.
type Store interface {
	Env(ctx context.Context, id string) (store.Env, error)
	SetEnvState(ctx context.Context, id string, state store.State) error
	DeleteEnv(ctx context.Context, id string) error
	Lease(ctx context.Context, id string) (store.Lease, error)
	Leases(ctx context.Context, envID string) ([]store.Lease, error)
	ReleaseLease(ctx context.Context, leaseID string, now time.Time) (remaining int, err error)
	RecordUsage(ctx context.Context, r store.UsageRecord) error
}

// Leases judges leases (see package leases).
type Leases interface {
	Split(ctx context.Context, envID string) (live, dead []store.Lease, err error)
	HeldBy(l store.Lease, pid int) bool
	// Forget removes a released lease's lock file (a keeper holding it
	// exits).
	Forget(l store.Lease)
}

// Releaser gives leases up on one daemon.
type Releaser struct {
	Engine engine.Engine
	Store  Store
	Locks  lifecycle.Locker
	Leases Leases
	Clock  clock.Clock
	Log    *slog.Logger
	// FilesDir is where environments' written secrets and configs live;
	// a teardown removes the environment's ([lifecycle.RemoveFiles]).
	FilesDir string
	// State is this state directory's identity: a teardown leaves another
	// state's resources alone.
	State labels.Identity
}

// Options tune a release.
type Options struct {
	// Now tears the environment down at once when no other live lease
	// remains, whatever its linger.
	Now bool
	// Keep leaves the environment up even when its linger is 0 (berth run
	// --no-cleanup); berth gc takes it down once its linger has passed.
	Keep bool
}

// Release gives up lease leaseID. An unknown lease counts as released.
func (r *Releaser) Release(ctx context.Context, leaseID string, o Options) error {
	l, err := r.Store.Lease(ctx, leaseID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := r.Store.ReleaseLease(ctx, leaseID, r.Clock.Now()); err != nil {
		return fmt.Errorf("release lease %s: %w", leaseID, err)
	}
	r.Leases.Forget(l)
	if err := r.Store.RecordUsage(ctx, store.UsageRecord{Time: r.Clock.Now(), EnvID: l.EnvID, Kind: store.UsageRelease}); err != nil {
		r.Log.Warn("record usage", "err", err)
	}
	if o.Keep {
		return nil
	}
	rec, err := r.Store.Env(ctx, l.EnvID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if TearDownAtOnce(rec, o) {
		_, err := r.TeardownIfIdle(ctx, rec.ID)
		return err
	}
	return nil
}

// TearDownAtOnce is the linger rule at release: an environment whose last
// lease went is taken down at once when asked (--now), when its linger is
// 0, or when it is a dedicated copy (nobody else can reuse it); otherwise
// it lingers for reuse.
func TearDownAtOnce(rec store.Env, o Options) bool {
	return o.Now || rec.Linger == 0 || rec.Mode == plan.ModeDedicated
}

// TeardownIfIdle takes environment id down if, once it holds the
// environment's lock, the environment has no live lease.
func (r *Releaser) TeardownIfIdle(ctx context.Context, id string) (bool, error) {
	unlock, err := r.Locks.Acquire(ctx, lock.EnvName(id))
	if err != nil {
		return false, err
	}
	defer unlock()
	live, _, err := r.Leases.Split(ctx, id)
	if err != nil || len(live) > 0 {
		return false, err
	}
	if err := r.Store.SetEnvState(ctx, id, store.StateTearingDown); err != nil && !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	_, err = lifecycle.Teardown(ctx, r.Engine, id, lifecycle.TeardownOptions{FilesDir: r.FilesDir, State: &r.State})
	var foreign *failure.ForeignError
	if err != nil && !errors.As(err, &foreign) {
		return false, fmt.Errorf("tear down %s: %w", id, err)
	}
	if err := r.Store.DeleteEnv(ctx, id); err != nil {
		return false, err
	}
	if foreign != nil {
		// What was ours is gone; the rest is another state's, which this
		// one's record (if any) wrongly claimed.
		return false, foreign
	}
	r.Log.Info("environment torn down", "env", id)
	return true, nil
}

// ReleaseHolder releases every lease that process pid on this host holds
// on environment envID, and returns how many it released. With o.Now and
// nothing of pid's left, it still takes an idle environment down.
func (r *Releaser) ReleaseHolder(ctx context.Context, envID string, pid int, o Options) (int, error) {
	ls, err := r.Store.Leases(ctx, envID)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, l := range ls {
		if !r.Leases.HeldBy(l, pid) {
			continue
		}
		if err := r.Release(ctx, l.ID, o); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	if n == 0 && o.Now && len(errs) == 0 {
		if _, err := r.TeardownIfIdle(ctx, envID); err != nil {
			errs = append(errs, err)
		}
	}
	return n, errors.Join(errs...)
}
