package query

import (
	"context"
	"log/slog"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/store"
)

// Store is what the queries read.
type Store interface {
	Env(ctx context.Context, id string) (store.Env, error)
	Envs(ctx context.Context) ([]store.Env, error)
	Leases(ctx context.Context, envID string) ([]store.Lease, error)
}

// Leases judges leases (see package leases).
type Leases interface {
	Live(l store.Lease) bool
	HeldBy(l store.Lease, pid int) bool
}

// Queries reads one daemon's environments.
type Queries struct {
	Engine engine.Engine
	Store  Store
	Leases Leases
	Log    *slog.Logger
}
