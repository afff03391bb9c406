// Package acquire takes a lease on an environment, creating the
// environment or reusing a healthy shared one. Everything happens under
// the environment's lock, so parallel acquirers of one shared environment
// wait for each other instead of creating duplicates.
//
// What "reuse" means is decided in one place, [Decide]; the rest of the
// package carries the decision out: create (after memory admission), adopt
// a running environment the store lost, wait for one in use to recover,
// refuse to recreate one in use, recreate one that is broken and unused.
package acquire

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/berth-dev/berth/internal/clock"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/leases"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/revive"
	"github.com/berth-dev/berth/internal/store"
)

// Store is what acquiring reads and writes.
type Store interface {
	Env(ctx context.Context, id string) (store.Env, error)
	PutEnv(ctx context.Context, e store.Env) error
	DeleteEnv(ctx context.Context, id string) error
	AddLease(ctx context.Context, envID string, h store.Holder, ttl time.Duration, now time.Time) (store.Lease, error)
	RecordUsage(ctx context.Context, r store.UsageRecord) error
	RecordEvent(ctx context.Context, r store.EventRecord) error
	ServiceEvents(ctx context.Context, envID, service string, since time.Time) ([]store.EventRecord, error)
	// The warm pool (internal/pool).
	Envs(ctx context.Context) ([]store.Env, error)
	SwapEnvState(ctx context.Context, id string, from, to store.State) (bool, error)
	Pools(ctx context.Context) ([]store.Pool, error)
	PutPool(ctx context.Context, p store.Pool) error
}

// Reservations make memory reservations across processes ([lock.Claims]).
type Reservations interface {
	Claim(ctx context.Context, name string, amount int64,
		fits func(others []lock.Claimed) (bool, error)) (release func(), ok bool, err error)
}

// Leases judges and reaps leases and holds their locks (see package
// leases).
type Leases interface {
	Split(ctx context.Context, envID string) (live, dead []store.Lease, err error)
	// Tag marks the new lease's lock file with its environment.
	Tag(l store.Lease) error
	Reap(ctx context.Context) ([]store.Lease, error)
	Holder(pid int) (store.Holder, error)
	Take(pid int, keeper []string) (leases.Pending, error)
}

// Acquirer acquires environments on one daemon.
type Acquirer struct {
	Engine engine.Engine
	Store  Store
	// Locks hands out the environment locks (see [lock.EnvName]) and the
	// network locks of [lifecycle.Up].
	Locks  lifecycle.Locker
	Leases Leases
	Clock  clock.Clock
	Log    *slog.Logger
	// State is this state directory's identity (labels dev.berth.state
	// and dev.berth.state-id).
	State labels.Identity
	// FilesDir is where environments' secrets and configs from environment
	// and content sources are written ([lifecycle.UpOptions.FilesDir]).
	FilesDir string
	// Reservations hold the memory of environments being created, shared
	// by every berth process of the daemon (see [Acquirer.admitLocked]);
	// nil decides admission without reserving.
	Reservations Reservations
	// Watch records an environment's container events while it comes up,
	// until the returned stop is called.
	Watch func(ctx context.Context, envID string) (stop func())
	// Reviver starts again in place an environment a daemon restart
	// stopped (see package revive); nil never does.
	Reviver *revive.Reviver
	// Spawn starts a detached process (the warm pool's refill, see
	// [Options].Refill); nil is [leases.Spawn].
	Spawn func(argv []string) error

	memLimits memLimits // containers' memory limits seen by admission
}

// Options are the parts of an acquisition that are not about which
// environment: who holds the lease, how long to wait for memory, where
// progress goes.
type Options struct {
	// HolderPID is the process whose life the lease follows; 0 is this
	// one (it holds the lease's lock), [leases.NoProcess] none (the lease
	// lives by HeartbeatTTL alone).
	HolderPID int
	// Keeper is the command of a keeper process that holds the lease's
	// lock while HolderPID lives, when that is another process ([leases.StartKeeper]);
	// without one, such a lease is judged by its holder's PID.
	Keeper []string
	// HeartbeatTTL, when > 0, also keeps the lease alive while heartbeats
	// are fresher than this.
	HeartbeatTTL time.Duration
	// Progress receives per-service progress; nil is silent.
	Progress io.Writer
	// Refill is the command line of a detached process that refills the
	// project's warm pool (berth's hidden `pool refill`), started when a
	// dedicated acquisition takes a copy from the pool (at the take,
	// before the lease), else after its lease when the project has a
	// pool; nil starts none.
	Refill []string
}

// Result is a leased environment.
type Result struct {
	Env    store.Env
	Lease  store.Lease
	Reused bool // an existing environment was leased
	// Hold is the lease's lock when this process holds it (Drop it after
	// the release); nil for a keeper's or no lock.
	Hold leases.Pending
}
