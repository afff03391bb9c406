package pool

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/berth-dev/berth/internal/store"
)

// Store is what the filler reads.
type Store interface {
	Envs(ctx context.Context) ([]store.Env, error)
	Pools(ctx context.Context) ([]store.Pool, error)
}

// Locker hands out the pool's lock ([lock.Dir] in berth).
type Locker interface {
	Acquire(ctx context.Context, name string) (release func() error, err error)
}

// Filler brings pools to their target: it reclaims what [Decide] says and
// creates the missing copies one at a time. One filler per pool works at
// once (the pool's lock); a second one waits, then finds less or nothing
// to do.
type Filler struct {
	Store Store
	Locks Locker
	Now   func() time.Time
	Log   *slog.Logger
	// StaleAfter is when a pooled copy is stale (gc's setting); 0 never.
	StaleAfter time.Duration
	// Create brings up one new copy and records it pooled.
	Create func(ctx context.Context) (store.Env, error)
	// Reclaim tears down pooled copy id unless a taker got it first.
	Reclaim func(ctx context.Context, id string) (bool, error)
}

// LockName is the lock of project's pool.
func LockName(project string) string { return "pool-" + project }

// Fill brings project's pool to its stored target and returns how many
// copies it created. It returns once the pool holds its size in ready
// copies (a take meanwhile is refilled too), or at the first error.
func (f *Filler) Fill(ctx context.Context, project string) (created int, err error) {
	unlock, err := f.Locks.Acquire(ctx, LockName(project))
	if err != nil {
		return 0, err
	}
	defer unlock()
	for {
		t, err := f.target(ctx, project)
		if err != nil {
			return created, err
		}
		envs, err := f.Store.Envs(ctx)
		if err != nil {
			return created, err
		}
		p := Decide(t, envs, f.Now(), f.StaleAfter)
		for _, r := range p.Reclaim {
			if _, err := f.Reclaim(ctx, r.Env.ID); err != nil {
				return created, err
			}
			f.Log.Info("pool: reclaimed a copy", "env", r.Env.ID, "why", r.Why)
		}
		if p.Missing == 0 {
			return created, nil
		}
		e, err := f.Create(ctx)
		if err != nil {
			return created, fmt.Errorf("fill the pool of %s: %w", project, err)
		}
		created++
		f.Log.Info("pool: copy ready", "env", e.ID)
	}
}

// target is project's stored pool target (size 0 when it has none).
func (f *Filler) target(ctx context.Context, project string) (store.Pool, error) {
	pools, err := f.Store.Pools(ctx)
	if err != nil {
		return store.Pool{}, err
	}
	for _, p := range pools {
		if p.Project == project {
			return p, nil
		}
	}
	return store.Pool{Project: project}, nil
}
