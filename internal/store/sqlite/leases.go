package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/store"
)

const leaseColumns = `id, env_id, host, pid, start_time, created_at, heartbeat_at, ttl_ns, lock`

// AddLease records a new lease of holder h on environment envID, created
// and heartbeating at now, and clears the environment's IdleSince in the
// same transaction. It fails with [store.ErrNotFound] if the environment does
// not exist.
func (s *Store) AddLease(ctx context.Context, envID string, h store.Holder, ttl time.Duration, now time.Time) (store.Lease, error) {
	var l store.Lease
	err := s.Update(ctx, func(tx *Tx) error {
		var err error
		l, err = tx.AddLease(ctx, envID, h, ttl, now)
		return err
	})
	return l, err
}

// Lease returns the lease with the given ID, or an error wrapping
// [store.ErrNotFound].
func (s *Store) Lease(ctx context.Context, id string) (store.Lease, error) {
	tx, err := s.read(ctx)
	if err != nil {
		return store.Lease{}, err
	}
	return tx.Lease(ctx, id)
}

// Leases returns the leases on environment envID, live or not, oldest first.
func (s *Store) Leases(ctx context.Context, envID string) ([]store.Lease, error) {
	tx, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	return tx.Leases(ctx, envID)
}

// AllLeases returns every lease, live or not, oldest first.
func (s *Store) AllLeases(ctx context.Context) ([]store.Lease, error) {
	tx, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	return tx.AllLeases(ctx)
}

// Heartbeat sets the heartbeat time of lease leaseID to now ([store.ErrNotFound]
// if the lease is gone, for example reaped).
func (s *Store) Heartbeat(ctx context.Context, leaseID string, now time.Time) error {
	return s.Update(ctx, func(tx *Tx) error { return tx.Heartbeat(ctx, leaseID, now) })
}

// AddLease is [Store.AddLease] inside tx.
func (tx *Tx) AddLease(ctx context.Context, envID string, h store.Holder, ttl time.Duration, now time.Time) (store.Lease, error) {
	id, err := newLeaseID()
	if err != nil {
		return store.Lease{}, fmt.Errorf("add lease on %s: %w", envID, err)
	}
	if err := tx.updateEnv(ctx, `UPDATE envs SET idle_since = NULL WHERE id = ?`, envID); err != nil {
		return store.Lease{}, fmt.Errorf("add lease on %s: %w", envID, err)
	}
	l := store.Lease{ID: id, EnvID: envID, Holder: h, CreatedAt: now.UTC(), HeartbeatAt: now.UTC(), TTL: ttl}
	_, err = tx.q.ExecContext(ctx, `INSERT INTO leases (`+leaseColumns+`) VALUES (?,?,?,?,?,?,?,?,?)`,
		l.ID, l.EnvID, h.Host, h.PID, int64(h.StartTime), nsOf(now), nsOf(now), int64(ttl), h.Lock)
	if err != nil {
		return store.Lease{}, fmt.Errorf("add lease on %s: %w", envID, err)
	}
	return l, nil
}

// Lease is [Store.Lease] inside tx.
func (tx *Tx) Lease(ctx context.Context, id string) (store.Lease, error) {
	l, err := scanLease(tx.q.QueryRowContext(ctx, `SELECT `+leaseColumns+` FROM leases WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Lease{}, fmt.Errorf("get lease %s: %w", id, err)
	}
	return l, nil
}

// Leases is [Store.Leases] inside tx.
func (tx *Tx) Leases(ctx context.Context, envID string) ([]store.Lease, error) {
	return tx.queryLeases(ctx, `SELECT `+leaseColumns+` FROM leases WHERE env_id = ? ORDER BY created_at, id`, envID)
}

// AllLeases is [Store.AllLeases] inside tx.
func (tx *Tx) AllLeases(ctx context.Context) ([]store.Lease, error) {
	return tx.queryLeases(ctx, `SELECT `+leaseColumns+` FROM leases ORDER BY created_at, id`)
}

// Heartbeat is [Store.Heartbeat] inside tx.
func (tx *Tx) Heartbeat(ctx context.Context, leaseID string, now time.Time) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE leases SET heartbeat_at = ? WHERE id = ?`, nsOf(now), leaseID)
	if err == nil {
		err = affectedOne(res)
	}
	if err != nil {
		return fmt.Errorf("heartbeat lease %s: %w", leaseID, err)
	}
	return nil
}

func (tx *Tx) queryLeases(ctx context.Context, query string, args ...any) ([]store.Lease, error) {
	rows, err := tx.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list leases: %w", err)
	}
	defer rows.Close()
	var out []store.Lease
	for rows.Next() {
		l, err := scanLease(rows)
		if err != nil {
			return nil, fmt.Errorf("list leases: %w", err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list leases: %w", err)
	}
	return out, nil
}

func scanLease(r rowScanner) (store.Lease, error) {
	var l store.Lease
	var start, ttl int64
	var created, beat sql.NullInt64
	if err := r.Scan(&l.ID, &l.EnvID, &l.Holder.Host, &l.Holder.PID, &start, &created, &beat, &ttl, &l.Holder.Lock); err != nil {
		return store.Lease{}, err
	}
	l.Holder.StartTime = uint64(start)
	l.CreatedAt, l.HeartbeatAt = timeOf(created), timeOf(beat)
	l.TTL = time.Duration(ttl)
	return l, nil
}

// newLeaseID returns "l-" and 16 random hex digits.
func newLeaseID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make lease ID: %w", err)
	}
	return "l-" + hex.EncodeToString(b[:]), nil
}

// affectedOne returns [store.ErrNotFound] unless res touched at least one row.
func affectedOne(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}
