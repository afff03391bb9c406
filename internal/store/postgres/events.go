package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/store"
)

const eventColumns = `ts, env_id, service, container, action, exit_code, oom_killed, memory_limit`

// RecordEvent appends r. A record with the same Container, Time and Action
// as one already stored is the same event (seen by two watchers, or again
// after a watcher reopened its stream) and is not stored again.
func (s *Store) RecordEvent(ctx context.Context, r store.EventRecord) error {
	return tx(s.pool).RecordEvent(ctx, r) // one statement: no transaction or write lock needed
}

// EventsSince returns the event records at or after since (the zero time:
// all), oldest first.
func (s *Store) EventsSince(ctx context.Context, since time.Time) ([]store.EventRecord, error) {
	return s.read().EventsSince(ctx, since)
}

// ServiceEvents returns the event records of service in environment envID
// at or after since (the zero time: all), oldest first.
func (s *Store) ServiceEvents(ctx context.Context, envID, service string, since time.Time) ([]store.EventRecord, error) {
	return s.read().ServiceEvents(ctx, envID, service, since)
}

// RecordEvent is [Store.RecordEvent] inside tx.
func (tx *Tx) RecordEvent(ctx context.Context, r store.EventRecord) error {
	_, err := tx.q.Exec(ctx, `INSERT INTO events (`+eventColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING`,
		r.Time.UnixNano(), r.EnvID, r.Service, r.Container, r.Action, r.ExitCode, r.OOMKilled, r.MemoryLimit)
	if err != nil {
		return fmt.Errorf("record %s event of %s/%s: %w", r.Action, r.EnvID, r.Service, err)
	}
	return nil
}

// EventsSince is [Store.EventsSince] inside tx.
func (tx *Tx) EventsSince(ctx context.Context, since time.Time) ([]store.EventRecord, error) {
	return tx.queryEvents(ctx, `SELECT `+eventColumns+` FROM events
		WHERE ts >= $1 ORDER BY ts, seq`, sinceNS(since))
}

// ServiceEvents is [Store.ServiceEvents] inside tx.
func (tx *Tx) ServiceEvents(ctx context.Context, envID, service string, since time.Time) ([]store.EventRecord, error) {
	return tx.queryEvents(ctx, `SELECT `+eventColumns+` FROM events
		WHERE env_id = $1 AND service = $2 AND ts >= $3 ORDER BY ts, seq`, envID, service, sinceNS(since))
}

func (tx *Tx) queryEvents(ctx context.Context, query string, args ...any) ([]store.EventRecord, error) {
	rows, err := tx.q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read event records: %w", err)
	}
	out, err := collect(rows, func(r rowScanner) (store.EventRecord, error) {
		var e store.EventRecord
		var ts int64
		if err := r.Scan(&ts, &e.EnvID, &e.Service, &e.Container, &e.Action, &e.ExitCode, &e.OOMKilled, &e.MemoryLimit); err != nil {
			return e, err
		}
		e.Time = time.Unix(0, ts).UTC()
		return e, nil
	})
	if err != nil {
		return nil, fmt.Errorf("read event records: %w", err)
	}
	return out, nil
}
