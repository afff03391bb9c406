package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/store"
)

const restartColumns = `ts, env_id, service, kind, reason`

// RecordRestart appends r. A record with the same EnvID, Service, Time and
// Kind as one already stored is the same fact (for example one engine
// restart seen by two watchers) and is not stored again.
func (s *Store) RecordRestart(ctx context.Context, r store.RestartRecord) error {
	return s.Update(ctx, func(tx *Tx) error { return tx.RecordRestart(ctx, r) })
}

// Restarts returns the records of service in environment envID at or after
// since (the zero time: all), oldest first.
func (s *Store) Restarts(ctx context.Context, envID, service string, since time.Time) ([]store.RestartRecord, error) {
	tx, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	return tx.Restarts(ctx, envID, service, since)
}

// AllRestarts returns the records of every service at or after since (the
// zero time: all), oldest first.
func (s *Store) AllRestarts(ctx context.Context, since time.Time) ([]store.RestartRecord, error) {
	tx, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	return tx.AllRestarts(ctx, since)
}

// RecordRestart is [Store.RecordRestart] inside tx.
func (tx *Tx) RecordRestart(ctx context.Context, r store.RestartRecord) error {
	_, err := tx.q.ExecContext(ctx, `INSERT OR IGNORE INTO restarts (`+restartColumns+`) VALUES (?,?,?,?,?)`,
		r.Time.UnixNano(), r.EnvID, r.Service, r.Kind, r.Reason)
	if err != nil {
		return fmt.Errorf("record restart of %s/%s: %w", r.EnvID, r.Service, err)
	}
	return nil
}

// Restarts is [Store.Restarts] inside tx.
func (tx *Tx) Restarts(ctx context.Context, envID, service string, since time.Time) ([]store.RestartRecord, error) {
	return tx.queryRestarts(ctx, `SELECT `+restartColumns+` FROM restarts
		WHERE env_id = ? AND service = ? AND ts >= ? ORDER BY ts, rowid`, envID, service, sinceNS(since))
}

// AllRestarts is [Store.AllRestarts] inside tx.
func (tx *Tx) AllRestarts(ctx context.Context, since time.Time) ([]store.RestartRecord, error) {
	return tx.queryRestarts(ctx, `SELECT `+restartColumns+` FROM restarts
		WHERE ts >= ? ORDER BY ts, rowid`, sinceNS(since))
}

func (tx *Tx) queryRestarts(ctx context.Context, query string, args ...any) ([]store.RestartRecord, error) {
	rows, err := tx.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read restart records: %w", err)
	}
	defer rows.Close()
	var out []store.RestartRecord
	for rows.Next() {
		var r store.RestartRecord
		var ts int64
		if err := rows.Scan(&ts, &r.EnvID, &r.Service, &r.Kind, &r.Reason); err != nil {
			return nil, fmt.Errorf("read restart records: %w", err)
		}
		r.Time = time.Unix(0, ts).UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read restart records: %w", err)
	}
	return out, nil
}
