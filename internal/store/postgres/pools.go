package postgres

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
		tag, err := tx.q.Exec(ctx, `UPDATE envs SET state = $1 WHERE id = $2 AND state = $3`, string(to), id, string(from))
		ok = tag.RowsAffected() == 1
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
		_, err := tx.q.Exec(ctx, `INSERT INTO pools (project, config_hash, size) VALUES ($1, $2, $3)
			ON CONFLICT (project) DO UPDATE SET config_hash = excluded.config_hash, size = excluded.size`,
			p.Project, p.ConfigHash, int64(p.Size))
		return err
	})
	if err != nil {
		return fmt.Errorf("set pool of %s: %w", p.Project, err)
	}
	return nil
}

// Pools is [store.Store.Pools].
func (s *Store) Pools(ctx context.Context) ([]store.Pool, error) {
	rows, err := s.read().q.Query(ctx, `SELECT project, config_hash, size FROM pools ORDER BY project`)
	if err != nil {
		return nil, fmt.Errorf("list pools: %w", err)
	}
	defer rows.Close()
	var out []store.Pool
	for rows.Next() {
		var p store.Pool
		var size int64
		if err := rows.Scan(&p.Project, &p.ConfigHash, &size); err != nil {
			return nil, fmt.Errorf("list pools: %w", err)
		}
		p.Size = int(size)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list pools: %w", err)
	}
	return out, nil
}
