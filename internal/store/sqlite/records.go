package sqlite

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/berth-dev/berth/internal/store"
)

// RecordOps appends op records in one transaction.
func (s *Store) RecordOps(ctx context.Context, recs []store.OpRecord) error {
	if len(recs) == 0 {
		return nil
	}
	return s.Update(ctx, func(tx *Tx) error {
		for _, r := range recs {
			_, err := tx.q.ExecContext(ctx, `INSERT INTO ops (ts, op, duration_us, error_kind, retries, pid, queued_us) VALUES (?,?,?,?,?,?,?)`,
				r.Time.UnixNano(), r.Op, r.Duration.Microseconds(), r.ErrorKind, r.Retries, r.PID, r.Queued.Microseconds())
			if err != nil {
				return fmt.Errorf("record ops: %w", err)
			}
		}
		return nil
	})
}

// RecordUsage appends one usage record.
func (s *Store) RecordUsage(ctx context.Context, r store.UsageRecord) error {
	return s.Update(ctx, func(tx *Tx) error {
		_, err := tx.q.ExecContext(ctx, `INSERT INTO usage (ts, env_id, kind, value_ms) VALUES (?,?,?,?)`,
			r.Time.UnixNano(), r.EnvID, r.Kind, r.ValueMS)
		if err != nil {
			return fmt.Errorf("record usage: %w", err)
		}
		return nil
	})
}

// Ops returns the op records at or after since, oldest first.
func (s *Store) Ops(ctx context.Context, since time.Time) ([]store.OpRecord, error) {
	rows, err := s.query(ctx, `SELECT ts, op, duration_us, error_kind, retries, pid, queued_us
		FROM ops WHERE ts >= ? ORDER BY ts, rowid`, sinceNS(since))
	if err != nil {
		return nil, fmt.Errorf("read op records: %w", err)
	}
	defer rows.Close()
	var out []store.OpRecord
	for rows.Next() {
		var r store.OpRecord
		var ts, us, qus int64
		if err := rows.Scan(&ts, &r.Op, &us, &r.ErrorKind, &r.Retries, &r.PID, &qus); err != nil {
			return nil, fmt.Errorf("read op records: %w", err)
		}
		r.Time, r.Duration = time.Unix(0, ts).UTC(), time.Duration(us)*time.Microsecond
		r.Queued = time.Duration(qus) * time.Microsecond
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read op records: %w", err)
	}
	return out, nil
}

// Usage returns the usage records at or after since, oldest first.
func (s *Store) Usage(ctx context.Context, since time.Time) ([]store.UsageRecord, error) {
	rows, err := s.query(ctx, `SELECT ts, env_id, kind, value_ms
		FROM usage WHERE ts >= ? ORDER BY ts, rowid`, sinceNS(since))
	if err != nil {
		return nil, fmt.Errorf("read usage records: %w", err)
	}
	defer rows.Close()
	var out []store.UsageRecord
	for rows.Next() {
		var r store.UsageRecord
		var ts int64
		if err := rows.Scan(&ts, &r.EnvID, &r.Kind, &r.ValueMS); err != nil {
			return nil, fmt.Errorf("read usage records: %w", err)
		}
		r.Time = time.Unix(0, ts).UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read usage records: %w", err)
	}
	return out, nil
}

// PruneRecords deletes op, usage, restart and event records older than
// before.
func (s *Store) PruneRecords(ctx context.Context, before time.Time) error {
	return s.Update(ctx, func(tx *Tx) error {
		for _, table := range []string{"ops", "usage", "restarts", "events"} {
			if _, err := tx.q.ExecContext(ctx, `DELETE FROM `+table+` WHERE ts < ?`, before.UnixNano()); err != nil {
				return fmt.Errorf("prune %s records: %w", table, err)
			}
		}
		return nil
	})
}

// sinceNS is the lower bound for a "since" query; the zero time means all.
func sinceNS(t time.Time) int64 {
	if t.IsZero() {
		return math.MinInt64
	}
	return t.UnixNano()
}
