package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/store"
)

// ReleaseLease implements [store.Store.ReleaseLease] in one write
// transaction.
func (s *Store) ReleaseLease(ctx context.Context, leaseID string, now time.Time) (remaining int, err error) {
	err = s.Update(ctx, func(tx *Tx) error {
		remaining, err = store.ReleaseLeaseIn(ctx, tx, leaseID, now)
		return err
	})
	return remaining, err
}

// ReapLeases implements [store.Store.ReapLeases] in one write transaction;
// dead is called inside it, so it should be quick (a liveness check, not a
// network call).
func (s *Store) ReapLeases(ctx context.Context, dead func(store.Lease) bool, now time.Time) (reaped []store.Lease, err error) {
	err = s.Update(ctx, func(tx *Tx) error {
		reaped, err = store.ReapLeasesIn(ctx, tx, dead, now)
		return err
	})
	return reaped, err
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
