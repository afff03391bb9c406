package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/berth-dev/berth/internal/store"
)

const envColumns = `id, project, mode, config_hash, files, state, created_at, ready_at, linger_ns, idle_since, endpoints, stale_after_ns`

// PutEnv inserts e, or replaces every field of the environment with e's ID.
// Replacing keeps the environment's leases.
func (s *Store) PutEnv(ctx context.Context, e store.Env) error {
	return s.Update(ctx, func(tx *Tx) error { return tx.PutEnv(ctx, e) })
}

// Env returns the environment with the given ID, or an error wrapping
// [store.ErrNotFound].
func (s *Store) Env(ctx context.Context, id string) (store.Env, error) {
	return s.read().Env(ctx, id)
}

// Envs returns every environment, oldest first.
func (s *Store) Envs(ctx context.Context) ([]store.Env, error) {
	return s.read().Envs(ctx)
}

// SetEnvState sets the state of environment id ([store.ErrNotFound] if none).
func (s *Store) SetEnvState(ctx context.Context, id string, state store.State) error {
	return s.Update(ctx, func(tx *Tx) error { return tx.SetEnvState(ctx, id, state) })
}

// SetIdleSince sets the idle time of environment id; the zero time clears
// it ([store.ErrNotFound] if none).
func (s *Store) SetIdleSince(ctx context.Context, id string, t time.Time) error {
	return s.Update(ctx, func(tx *Tx) error { return tx.SetIdleSince(ctx, id, t) })
}

// DeleteEnv deletes environment id and its leases. Deleting an environment
// that does not exist is not an error.
func (s *Store) DeleteEnv(ctx context.Context, id string) error {
	return s.Update(ctx, func(tx *Tx) error { return tx.DeleteEnv(ctx, id) })
}

// PutEnv is [Store.PutEnv] inside tx.
func (tx *Tx) PutEnv(ctx context.Context, e store.Env) error {
	files, err := jsonOf(e.Files)
	if err != nil {
		return fmt.Errorf("put environment %s: %w", e.ID, err)
	}
	endpoints, err := jsonOf(e.Endpoints)
	if err != nil {
		return fmt.Errorf("put environment %s: %w", e.ID, err)
	}
	_, err = tx.q.Exec(ctx, `INSERT INTO envs (`+envColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
		ON CONFLICT (id) DO UPDATE SET project=excluded.project, mode=excluded.mode,
		config_hash=excluded.config_hash, files=excluded.files, state=excluded.state,
		created_at=excluded.created_at, ready_at=excluded.ready_at, linger_ns=excluded.linger_ns,
		idle_since=excluded.idle_since, endpoints=excluded.endpoints, stale_after_ns=excluded.stale_after_ns`,
		e.ID, e.Project, e.Mode, e.ConfigHash, files, string(e.State), nsOf(e.CreatedAt), nsOf(e.ReadyAt),
		int64(e.Linger), nsOf(e.IdleSince), endpoints, int64(e.StaleAfter))
	if err != nil {
		return fmt.Errorf("put environment %s: %w", e.ID, err)
	}
	return nil
}

// Env is [Store.Env] inside tx.
func (tx *Tx) Env(ctx context.Context, id string) (store.Env, error) {
	e, err := scanEnv(tx.q.QueryRow(ctx, `SELECT `+envColumns+` FROM envs WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Env{}, fmt.Errorf("get environment %s: %w", id, err)
	}
	return e, nil
}

// Envs is [Store.Envs] inside tx.
func (tx *Tx) Envs(ctx context.Context) ([]store.Env, error) {
	rows, err := tx.q.Query(ctx, `SELECT `+envColumns+` FROM envs ORDER BY created_at NULLS FIRST, id`)
	if err != nil {
		return nil, fmt.Errorf("list environments: %w", err)
	}
	out, err := collect(rows, scanEnv)
	if err != nil {
		return nil, fmt.Errorf("list environments: %w", err)
	}
	return out, nil
}

// SetEnvState is [Store.SetEnvState] inside tx.
func (tx *Tx) SetEnvState(ctx context.Context, id string, state store.State) error {
	if err := tx.updateEnv(ctx, `UPDATE envs SET state = $1 WHERE id = $2`, string(state), id); err != nil {
		return fmt.Errorf("set state of environment %s: %w", id, err)
	}
	return nil
}

// SetIdleSince is [Store.SetIdleSince] inside tx.
func (tx *Tx) SetIdleSince(ctx context.Context, id string, t time.Time) error {
	if err := tx.updateEnv(ctx, `UPDATE envs SET idle_since = $1 WHERE id = $2`, nsOf(t), id); err != nil {
		return fmt.Errorf("set idle time of environment %s: %w", id, err)
	}
	return nil
}

// DeleteEnv is [Store.DeleteEnv] inside tx.
func (tx *Tx) DeleteEnv(ctx context.Context, id string) error {
	// Leases go by ON DELETE CASCADE.
	if _, err := tx.q.Exec(ctx, `DELETE FROM envs WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete environment %s: %w", id, err)
	}
	return nil
}

// updateEnv runs an UPDATE of one environment row; [store.ErrNotFound] if it
// touched none.
func (tx *Tx) updateEnv(ctx context.Context, query string, args ...any) error {
	tag, err := tx.q.Exec(ctx, query, args...)
	if err != nil {
		return err
	}
	return affectedOne(tag)
}

func scanEnv(r rowScanner) (store.Env, error) {
	var e store.Env
	var files, endpoints, state string
	var created, ready, idle *int64
	var linger, stale int64
	if err := r.Scan(&e.ID, &e.Project, &e.Mode, &e.ConfigHash, &files, &state,
		&created, &ready, &linger, &idle, &endpoints, &stale); err != nil {
		return store.Env{}, err
	}
	if err := fromJSON(files, &e.Files); err != nil {
		return store.Env{}, err
	}
	if err := fromJSON(endpoints, &e.Endpoints); err != nil {
		return store.Env{}, err
	}
	e.State = store.State(state)
	e.CreatedAt, e.ReadyAt, e.IdleSince = timeOf(created), timeOf(ready), timeOf(idle)
	e.Linger, e.StaleAfter = time.Duration(linger), time.Duration(stale)
	return e, nil
}

// collect scans every row of rows with scan.
func collect[T any](rows interface {
	rowScanner
	Next() bool
	Err() error
	Close()
}, scan func(rowScanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
