package postgres

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
	return tx(s.pool).RecordRestart(ctx, r) // one statement: no transaction or write lock needed
}

// Restarts returns the records of service in environment envID at or after
// since (the zero time: all), oldest first.
func (s *Store) Restarts(ctx context.Context, envID, service string, since time.Time) ([]store.RestartRecord, error) {
	return s.read().Restarts(ctx, envID, service, since)
}

// AllRestarts returns the records of every service at or after since (the
// zero time: all), oldest first.
func (s *Store) AllRestarts(ctx context.Context, since time.Time) ([]store.RestartRecord, error) {
	return s.read().AllRestarts(ctx, since)
}

// RecordRestart is [Store.RecordRestart] inside tx.
func (tx *Tx) RecordRestart(ctx context.Context, r store.RestartRecord) error {
	_, err := tx.q.Exec(ctx, `INSERT INTO restarts (`+restartColumns+`) VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING`,
		r.Time.UnixNano(), r.EnvID, r.Service, string(r.Kind), r.Reason)
	if err != nil {
		return fmt.Errorf("record restart of %s/%s: %w", r.EnvID, r.Service, err)
	}
	return nil
}

// Restarts is [Store.Restarts] inside tx.
func (tx *Tx) Restarts(ctx context.Context, envID, service string, since time.Time) ([]store.RestartRecord, error) {
	return tx.queryRestarts(ctx, `SELECT `+restartColumns+` FROM restarts
		WHERE env_id = $1 AND service = $2 AND ts >= $3 ORDER BY ts, seq`, envID, service, sinceNS(since))
}

// AllRestarts is [Store.AllRestarts] inside tx.
func (tx *Tx) AllRestarts(ctx context.Context, since time.Time) ([]store.RestartRecord, error) {
	return tx.queryRestarts(ctx, `SELECT `+restartColumns+` FROM restarts
		WHERE ts >= $1 ORDER BY ts, seq`, sinceNS(since))
}

func (tx *Tx) queryRestarts(ctx context.Context, query string, args ...any) ([]store.RestartRecord, error) {
	rows, err := tx.q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read restart records: %w", err)
	}
	out, err := collect(rows, func(r rowScanner) (store.RestartRecord, error) {
		var rec store.RestartRecord
		var ts int64
		var kind string
		if err := r.Scan(&ts, &rec.EnvID, &rec.Service, &kind, &rec.Reason); err != nil {
			return rec, err
		}
		rec.Time, rec.Kind = time.Unix(0, ts).UTC(), store.RestartKind(kind)
		return rec, nil
	})
	if err != nil {
		return nil, fmt.Errorf("read restart records: %w", err)
	}
	return out, nil
}
