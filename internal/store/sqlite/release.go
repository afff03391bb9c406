package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/store"
)

// ReleaseLease deletes lease leaseID ([store.ErrNotFound] if it is gone) and
// returns how many leases remain on its environment, live or not: judging
// liveness is the caller's business. When none remains, the environment's
// IdleSince is set to now in the same transaction.
func (s *Store) ReleaseLease(ctx context.Context, leaseID string, now time.Time) (remaining int, err error) {
	err = s.Update(ctx, func(tx *Tx) error {
		remaining, err = tx.ReleaseLease(ctx, leaseID, now)
		return err
	})
	return remaining, err
}

// ReapLeases deletes, in one transaction, every lease for which dead
// returns true, and sets IdleSince to now on each environment that lost a
// lease this way and has none left. It returns the leases it deleted.
// dead is called inside the write transaction, so it should be quick (a
// liveness check, not a network call).
func (s *Store) ReapLeases(ctx context.Context, dead func(store.Lease) bool, now time.Time) ([]store.Lease, error) {
	var reaped []store.Lease
	err := s.Update(ctx, func(tx *Tx) error {
		var err error
		reaped, err = tx.ReapLeases(ctx, dead, now)
		return err
	})
	return reaped, err
}

// ReleaseLease is [Store.ReleaseLease] inside tx.
func (tx *Tx) ReleaseLease(ctx context.Context, leaseID string, now time.Time) (int, error) {
	return store.ReleaseLeaseIn(ctx, tx, leaseID, now)
}

// ReapLeases is [Store.ReapLeases] inside tx.
func (tx *Tx) ReapLeases(ctx context.Context, dead func(store.Lease) bool, now time.Time) ([]store.Lease, error) {
	return store.ReapLeasesIn(ctx, tx, dead, now)
}

// DeleteLease implements [store.LeaseRows].
func (tx *Tx) DeleteLease(ctx context.Context, id string) error {
	_, err := tx.q.ExecContext(ctx, `DELETE FROM leases WHERE id = ?`, id)
	return err
}

// IdleIfUnleased implements [store.LeaseRows].
func (tx *Tx) IdleIfUnleased(ctx context.Context, envID string, now time.Time) (int, error) {
	var n int
	if err := tx.q.QueryRowContext(ctx, `SELECT count(*) FROM leases WHERE env_id = ?`, envID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count leases of environment %s: %w", envID, err)
	}
	if n > 0 {
		return n, nil
	}
	if _, err := tx.q.ExecContext(ctx, `UPDATE envs SET idle_since = ? WHERE id = ?`, nsOf(now), envID); err != nil {
		return 0, fmt.Errorf("set idle time of environment %s: %w", envID, err)
	}
	return 0, nil
}
