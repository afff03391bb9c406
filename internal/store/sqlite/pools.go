package sqlite

import (
	"context"
	"fmt"

	"github.com/berth-dev/berth/internal/store"
)

// SwapEnvState is [store.Store.SwapEnvState]: one UPDATE guarded by the
// old state, so two processes never both win.
func (s *Store) SwapEnvState(ctx context.Context, id string, from, to store.State) (bool, error) {
	var ok bool
	err := s.Update(ctx, func(tx *Tx) error {
		res, err := tx.q.ExecContext(ctx, `UPDATE envs SET state = ? WHERE id = ? AND state = ?`, to, id, from)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		ok = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("swap state of environment %s: %w", id, err)
	}
	return ok, nil
}

// PutPool is [store.Store.PutPool].
func (s *Store) PutPool(ctx context.Context, p store.Pool) error {
	err := s.Update(ctx, func(tx *Tx) error {
		_, err := tx.q.ExecContext(ctx, `INSERT INTO pools (project, config_hash, size) VALUES (?,?,?)
			ON CONFLICT (project) DO UPDATE SET config_hash=excluded.config_hash, size=excluded.size`,
			p.Project, p.ConfigHash, p.Size)
		return err
	})
	if err != nil {
		return fmt.Errorf("set pool of %s: %w", p.Project, err)
	}
	return nil
}

// Pools is [store.Store.Pools].
func (s *Store) Pools(ctx context.Context) ([]store.Pool, error) {
	tx, err := s.read(ctx)
	if err != nil {
		return nil, fmt.Errorf("list pools: %w", err)
	}
	rows, err := tx.q.QueryContext(ctx, `SELECT project, config_hash, size FROM pools ORDER BY project`)
	if err != nil {
		return nil, fmt.Errorf("list pools: %w", err)
	}
	defer rows.Close()
	var out []store.Pool
	for rows.Next() {
		var p store.Pool
		if err := rows.Scan(&p.Project, &p.ConfigHash, &p.Size); err != nil {
			return nil, fmt.Errorf("list pools: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list pools: %w", err)
	}
	return out, nil
}
