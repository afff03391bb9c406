package store

import (
	"context"
	"fmt"
	"time"
)

// LeaseRows is what the lease release and reap logic needs of a backend's
// write transaction: reading leases, deleting one, and marking an
// environment idle once it has no lease left. Both backends implement it
// on their transaction type, so the logic below is written once.
type LeaseRows interface {
	Lease(ctx context.Context, id string) (Lease, error)
	AllLeases(ctx context.Context) ([]Lease, error)
	// DeleteLease deletes lease id; a lease already gone is not an error.
	DeleteLease(ctx context.Context, id string) error
	// IdleIfUnleased counts the leases left on environment envID and, if
	// there are none, sets its IdleSince to now. It returns the count.
	IdleIfUnleased(ctx context.Context, envID string, now time.Time) (int, error)
}

// ReleaseLeaseIn is [Store.ReleaseLease] inside tx: it deletes lease
// leaseID ([ErrNotFound] if it is gone) and returns how many leases remain
// on its environment; the last one out sets the environment's IdleSince.
func ReleaseLeaseIn(ctx context.Context, tx LeaseRows, leaseID string, now time.Time) (int, error) {
	l, err := tx.Lease(ctx, leaseID)
	if err != nil {
		return 0, fmt.Errorf("release lease: %w", err)
	}
	if err := tx.DeleteLease(ctx, leaseID); err != nil {
		return 0, fmt.Errorf("release lease %s: %w", leaseID, err)
	}
	n, err := tx.IdleIfUnleased(ctx, l.EnvID, now)
	if err != nil {
		return 0, fmt.Errorf("release lease %s: %w", leaseID, err)
	}
	return n, nil
}

// ReapLeasesIn is [Store.ReapLeases] inside tx: it deletes every lease for
// which dead returns true and sets IdleSince to now on each environment
// that lost a lease this way and has none left, in the order the leases
// were listed. It returns the leases it deleted.
func ReapLeasesIn(ctx context.Context, tx LeaseRows, dead func(Lease) bool, now time.Time) ([]Lease, error) {
	all, err := tx.AllLeases(ctx)
	if err != nil {
		return nil, fmt.Errorf("reap leases: %w", err)
	}
	var reaped []Lease
	touched := map[string]bool{}
	var order []string // touched environments in a stable order
	for _, l := range all {
		if !dead(l) {
			continue
		}
		if err := tx.DeleteLease(ctx, l.ID); err != nil {
			return nil, fmt.Errorf("reap lease %s: %w", l.ID, err)
		}
		reaped = append(reaped, l)
		if !touched[l.EnvID] {
			touched[l.EnvID] = true
			order = append(order, l.EnvID)
		}
	}
	for _, envID := range order {
		if _, err := tx.IdleIfUnleased(ctx, envID, now); err != nil {
			return nil, fmt.Errorf("reap leases: %w", err)
		}
	}
	return reaped, nil
}
