package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/store"
)

// RecordOps appends op records, all or none, in one statement (one round
// trip, without the write lock: appends conflict with nothing); records
// get their order of recording in slice order.
func (s *Store) RecordOps(ctx context.Context, recs []store.OpRecord) error {
	if len(recs) == 0 {
		return nil
	}
	n := len(recs)
	ts, dur, queued, pid := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	op, kind, retries := make([]string, n), make([]string, n), make([]int32, n)
	for i, r := range recs {
		ts[i], op[i], dur[i], kind[i] = r.Time.UnixNano(), r.Op, r.Duration.Microseconds(), r.ErrorKind
		retries[i], pid[i], queued[i] = int32(r.Retries), int64(r.PID), r.Queued.Microseconds()
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO ops (ts, op, duration_us, error_kind, retries, pid, queued_us)
		SELECT ts, op, duration_us, error_kind, retries, pid, queued_us
		FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::integer[], $6::bigint[], $7::bigint[])
			WITH ORDINALITY AS r(ts, op, duration_us, error_kind, retries, pid, queued_us, ord)
		ORDER BY ord`, ts, op, dur, kind, retries, pid, queued)
	if err != nil {
		return fmt.Errorf("record ops: %w", err)
	}
	return nil
}

// RecordUsage appends one usage record (one statement: no transaction or
// write lock needed).
func (s *Store) RecordUsage(ctx context.Context, r store.UsageRecord) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO usage (ts, env_id, kind, value_ms) VALUES ($1,$2,$3,$4)`,
		r.Time.UnixNano(), r.EnvID, string(r.Kind), r.ValueMS)
	if err != nil {
		return fmt.Errorf("record usage: %w", err)
	}
	return nil
}

// Ops returns the op records at or after since, oldest first.
func (s *Store) Ops(ctx context.Context, since time.Time) ([]store.OpRecord, error) {
	rows, err := s.pool.Query(ctx, `SELECT ts, op, duration_us, error_kind, retries, pid, queued_us
		FROM ops WHERE ts >= $1 ORDER BY ts, seq`, sinceNS(since))
	if err != nil {
		return nil, fmt.Errorf("read op records: %w", err)
	}
	out, err := collect(rows, func(r rowScanner) (store.OpRecord, error) {
		var o store.OpRecord
		var ts, us, qus, pid int64
		if err := r.Scan(&ts, &o.Op, &us, &o.ErrorKind, &o.Retries, &pid, &qus); err != nil {
			return o, err
		}
		o.Time, o.Duration = time.Unix(0, ts).UTC(), time.Duration(us)*time.Microsecond
		o.Queued, o.PID = time.Duration(qus)*time.Microsecond, int(pid)
		return o, nil
	})
	if err != nil {
		return nil, fmt.Errorf("read op records: %w", err)
	}
	return out, nil
}

// Usage returns the usage records at or after since, oldest first.
func (s *Store) Usage(ctx context.Context, since time.Time) ([]store.UsageRecord, error) {
	rows, err := s.pool.Query(ctx, `SELECT ts, env_id, kind, value_ms
		FROM usage WHERE ts >= $1 ORDER BY ts, seq`, sinceNS(since))
	if err != nil {
		return nil, fmt.Errorf("read usage records: %w", err)
	}
	out, err := collect(rows, func(r rowScanner) (store.UsageRecord, error) {
		var u store.UsageRecord
		var ts int64
		var kind string
		if err := r.Scan(&ts, &u.EnvID, &kind, &u.ValueMS); err != nil {
			return u, err
		}
		u.Time, u.Kind = time.Unix(0, ts).UTC(), store.UsageKind(kind)
		return u, nil
	})
	if err != nil {
		return nil, fmt.Errorf("read usage records: %w", err)
	}
	return out, nil
}

// PruneRecords deletes op, usage, restart and event records older than
// before, in one transaction (without the write lock: records are only
// appended and pruned).
func (s *Store) PruneRecords(ctx context.Context, before time.Time) error {
	return s.appendTx(ctx, func(tx *Tx) error {
		for _, table := range []string{"ops", "usage", "restarts", "events"} {
			if _, err := tx.q.Exec(ctx, `DELETE FROM `+table+` WHERE ts < $1`, before.UnixNano()); err != nil {
				return fmt.Errorf("prune %s records: %w", table, err)
			}
		}
		return nil
	})
}
