package sqlite

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
	return s.Update(ctx, func(tx *Tx) error { return tx.RecordEvent(ctx, r) })
}

// EventsSince returns the event records at or after since (the zero time:
// all), oldest first.
func (s *Store) EventsSince(ctx context.Context, since time.Time) ([]store.EventRecord, error) {
	tx, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	return tx.EventsSince(ctx, since)
}

// ServiceEvents returns the event records of service in environment envID
// at or after since (the zero time: all), oldest first.
func (s *Store) ServiceEvents(ctx context.Context, envID, service string, since time.Time) ([]store.EventRecord, error) {
	tx, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	return tx.ServiceEvents(ctx, envID, service, since)
}

// RecordEvent is [Store.RecordEvent] inside tx.
func (tx *Tx) RecordEvent(ctx context.Context, r store.EventRecord) error {
	oom := 0
	if r.OOMKilled {
		oom = 1
	}
	_, err := tx.q.ExecContext(ctx, `INSERT OR IGNORE INTO events (`+eventColumns+`) VALUES (?,?,?,?,?,?,?,?)`,
		r.Time.UnixNano(), r.EnvID, r.Service, r.Container, r.Action, r.ExitCode, oom, r.MemoryLimit)
	if err != nil {
		return fmt.Errorf("record %s event of %s/%s: %w", r.Action, r.EnvID, r.Service, err)
	}
	return nil
}

// EventsSince is [Store.EventsSince] inside tx.
func (tx *Tx) EventsSince(ctx context.Context, since time.Time) ([]store.EventRecord, error) {
	return tx.queryEvents(ctx, `SELECT `+eventColumns+` FROM events
		WHERE ts >= ? ORDER BY ts, rowid`, sinceNS(since))
}

// ServiceEvents is [Store.ServiceEvents] inside tx.
func (tx *Tx) ServiceEvents(ctx context.Context, envID, service string, since time.Time) ([]store.EventRecord, error) {
	return tx.queryEvents(ctx, `SELECT `+eventColumns+` FROM events
		WHERE env_id = ? AND service = ? AND ts >= ? ORDER BY ts, rowid`, envID, service, sinceNS(since))
}

func (tx *Tx) queryEvents(ctx context.Context, query string, args ...any) ([]store.EventRecord, error) {
	rows, err := tx.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read event records: %w", err)
	}
	defer rows.Close()
	var out []store.EventRecord
	for rows.Next() {
		var r store.EventRecord
		var ts, oom int64
		if err := rows.Scan(&ts, &r.EnvID, &r.Service, &r.Container, &r.Action, &r.ExitCode, &oom, &r.MemoryLimit); err != nil {
			return nil, fmt.Errorf("read event records: %w", err)
		}
		r.Time, r.OOMKilled = time.Unix(0, ts).UTC(), oom != 0
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read event records: %w", err)
	}
	return out, nil
}
