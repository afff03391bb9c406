package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/store"
)

// RecordGCRun appends one cleanup run's record.
func (s *Store) RecordGCRun(ctx context.Context, r store.GCRunRecord) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO gc_runs (ts, mode, duration_us, actions, removed, torn_down, reclaimed, error)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, r.Time.UnixNano(), r.Mode, r.Duration.Microseconds(), r.Actions, r.Removed,
		r.TornDown, r.Reclaimed, r.Error)
	if err != nil {
		return fmt.Errorf("record gc run: %w", err)
	}
	return nil
}

// GCRuns returns the cleanup run records at or after since, oldest first.
func (s *Store) GCRuns(ctx context.Context, since time.Time) ([]store.GCRunRecord, error) {
	rows, err := s.pool.Query(ctx, `SELECT ts, mode, duration_us, actions, removed, torn_down, reclaimed, error
		FROM gc_runs WHERE ts >= $1 ORDER BY ts, seq`, sinceNS(since))
	if err != nil {
		return nil, fmt.Errorf("read gc runs: %w", err)
	}
	out, err := collect(rows, func(r rowScanner) (store.GCRunRecord, error) {
		var g store.GCRunRecord
		var ts, us int64
		if err := r.Scan(&ts, &g.Mode, &us, &g.Actions, &g.Removed, &g.TornDown, &g.Reclaimed, &g.Error); err != nil {
			return g, err
		}
		g.Time, g.Duration = time.Unix(0, ts).UTC(), time.Duration(us)*time.Microsecond
		return g, nil
	})
	if err != nil {
		return nil, fmt.Errorf("read gc runs: %w", err)
	}
	return out, nil
}
