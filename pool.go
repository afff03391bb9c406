package berth

import (
	"context"
	"time"

	"github.com/berth-dev/berth/internal/acquire"
	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/gc"
	"github.com/berth-dev/berth/internal/pool"
	"github.com/berth-dev/berth/internal/store"
)

// PoolStatus is one project's warm pool: its target and its ready copies.
type PoolStatus struct {
	Project    string   `json:"project"`
	ConfigHash string   `json:"config_hash"`
	Size       int      `json:"size"`
	Ready      []string `json:"ready"` // pooled copies of the target's configuration, oldest first
	// ReadyAt is when each of Ready became ready (recorded pooled, so
	// takeable), in Ready's order.
	ReadyAt []time.Time `json:"ready_at"`
}

// PoolFill keeps size (nil: x-berth.pool.size, else the size set before)
// dedicated copies of o's stack created and ready, leased to no one, and
// returns once they all are: copies of another configuration, stale ones
// and those beyond the size are torn down, missing ones created one at a
// time (memory admission and the gate as for any up). A later `up
// --dedicated` of the stack takes one at once.
func (m *Manager) PoolFill(ctx context.Context, o Options, size *int) (PoolStatus, error) {
	yes := true
	o.Dedicated = &yes
	r, err := m.res.Resolve(ctx, o.request())
	if err != nil {
		return PoolStatus{}, err
	}
	sys, err := m.system(ctx)
	if err != nil {
		return PoolStatus{}, err
	}
	if size != nil {
		err = sys.acquirer.SetPool(ctx, r, *size)
	} else {
		_, err = sys.acquirer.PoolTarget(ctx, r)
	}
	if err != nil {
		return PoolStatus{}, err
	}
	if _, err := m.filler(sys, o).Fill(ctx, r.Project.Name); err != nil {
		return PoolStatus{}, err
	}
	return m.poolStatus(ctx, sys, r.Project.Name)
}

// PoolDrain sets o's pool to size 0 and tears down its pooled copies
// (copies already taken are their holders' until released).
func (m *Manager) PoolDrain(ctx context.Context, o Options) (PoolStatus, error) {
	zero := 0
	return m.PoolFill(ctx, o, &zero)
}

// Pools reports every warm pool.
func (m *Manager) Pools(ctx context.Context) ([]PoolStatus, error) {
	sys, err := m.system(ctx)
	if err != nil {
		return nil, err
	}
	targets, err := sys.db.Pools(ctx)
	if err != nil {
		return nil, err
	}
	envs, err := sys.db.Envs(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]PoolStatus, 0, len(targets))
	for _, t := range targets {
		out = append(out, statusOf(t, envs))
	}
	return out, nil
}

func (m *Manager) poolStatus(ctx context.Context, sys *system, project string) (PoolStatus, error) {
	ps, err := m.Pools(ctx)
	if err != nil {
		return PoolStatus{}, err
	}
	for _, p := range ps {
		if p.Project == project {
			return p, nil
		}
	}
	return PoolStatus{Project: project}, nil
}

func statusOf(t store.Pool, envs []store.Env) PoolStatus {
	ready, at := pool.Ready(envs, t)
	return PoolStatus{Project: t.Project, ConfigHash: t.ConfigHash, Size: t.Size, Ready: ready, ReadyAt: at}
}

// filler is the pool filler over sys, making copies of o's stack.
func (m *Manager) filler(sys *system, o Options) *pool.Filler {
	envSet, _ := config.EnvFromEnv(m.getenv) // bad values were refused by Resolve
	stale := gc.Settings{StaleAfter: envSet.StaleAfter}.StaleAge()
	return &pool.Filler{Store: sys.db, Locks: sys.locks, Now: m.clock.Now, Log: m.log, StaleAfter: stale,
		Create: func(ctx context.Context) (store.Env, error) {
			r, err := m.res.Resolve(ctx, o.request()) // a new dedicated identity per copy
			if err != nil {
				return store.Env{}, err
			}
			return sys.acquirer.CreatePooled(ctx, r, acquire.Options{Progress: o.Progress})
		},
		Reclaim: sys.acquirer.ReclaimPooled}
}
