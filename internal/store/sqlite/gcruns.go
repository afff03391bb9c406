package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/store"
)

// RecordGCRun appends one cleanup run's record.
func (s *Store) RecordGCRun(ctx context.Context, r store.GCRunRecord) error {
	return s.Update(ctx, func(tx *Tx) error {
		_, err := tx.q.ExecContext(ctx, `INSERT INTO gc_runs (ts, mode, duration_us, actions, removed, torn_down, reclaimed, error)
			VALUES (?,?,?,?,?,?,?,?)`, r.Time.UnixNano(), r.Mode, r.Duration.Microseconds(), r.Actions, r.Removed,
			r.TornDown, r.Reclaimed, r.Error)
		if err != nil {
			return fmt.Errorf("record gc run: %w", err)
		}
		return nil
	})
}

// GCRuns returns the cleanup run records at or after since, oldest first.
func (s *Store) GCRuns(ctx context.Context, since time.Time) ([]store.GCRunRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT ts, mode, duration_us, actions, removed, torn_down, reclaimed, error
		FROM gc_runs WHERE ts >= ? ORDER BY ts, rowid`, sinceNS(since))
	if err != nil {
		return nil, fmt.Errorf("read gc runs: %w", err)
	}
	defer rows.Close()
	var out []store.GCRunRecord
	for rows.Next() {
		var r store.GCRunRecord
		var ts, us int64
		if err := rows.Scan(&ts, &r.Mode, &us, &r.Actions, &r.Removed, &r.TornDown, &r.Reclaimed, &r.Error); err != nil {
			return nil, fmt.Errorf("read gc runs: %w", err)
		}
		r.Time, r.Duration = time.Unix(0, ts).UTC(), time.Duration(us)*time.Microsecond
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read gc runs: %w", err)
	}
	return out, nil
}
