package store

import (
	"context"
	"time"
)

// Store is berth's shared state: environments, the leases runners hold on
// them, and the records stats and restart limits read. Every berth process
// working with one Docker daemon opens the same store, so an
// implementation is safe for concurrent use by goroutines and by
// processes, and each method is atomic: a write happens in full or not at
// all, and no caller sees another's write half done.
//
// Common to every method:
//   - errors are wrapped: test them with [errors.Is] (for example against
//     [ErrNotFound]); a method that ends with a cancelled ctx fails;
//   - times come back equal to the times stored, to the nanosecond, and in
//     UTC (the zero time stays zero);
//   - lists are empty (nil), not an error, when nothing matches;
//   - a "since" bound is inclusive, and the zero time means no bound.
//
// The contract suite in internal/store/storetest checks all of this; every
// implementation passes it.
type Store interface {
	// PutEnv inserts e, or replaces every field of the environment with
	// e's ID. Replacing keeps the environment's leases.
	PutEnv(ctx context.Context, e Env) error
	// Env returns the environment with the given ID, or an error wrapping
	// [ErrNotFound].
	Env(ctx context.Context, id string) (Env, error)
	// Envs returns every environment, ordered by CreatedAt, then ID.
	Envs(ctx context.Context) ([]Env, error)
	// SetEnvState sets the state of environment id ([ErrNotFound] if there
	// is none).
	SetEnvState(ctx context.Context, id string, state State) error
	// SetIdleSince sets the idle time of environment id; the zero time
	// clears it ([ErrNotFound] if there is no such environment).
	SetIdleSince(ctx context.Context, id string, t time.Time) error
	// SwapEnvState sets the state of environment id to to if it is from,
	// in one step, and reports whether it did: of processes swapping the
	// same environment from the same state at once, exactly one succeeds.
	// An unknown environment is not swapped (no error).
	SwapEnvState(ctx context.Context, id string, from, to State) (bool, error)
	// PutPool sets the warm pool target of p.Project.
	PutPool(ctx context.Context, p Pool) error
	// Pools returns every pool target, ordered by Project.
	Pools(ctx context.Context) ([]Pool, error)
	// DeleteEnv deletes environment id and its leases. Deleting an
	// environment that does not exist is not an error. Records (ops,
	// usage, restarts, events) of the environment stay.
	DeleteEnv(ctx context.Context, id string) error

	// AddLease records a new lease of holder h on environment envID with
	// heartbeat TTL ttl, and clears the environment's IdleSince, in one
	// step. The lease has a new ID ("l-" and 16 hex digits), and
	// CreatedAt and HeartbeatAt both now; it is returned as [Store.Lease]
	// will return it. It fails with [ErrNotFound] if the environment does
	// not exist.
	AddLease(ctx context.Context, envID string, h Holder, ttl time.Duration, now time.Time) (Lease, error)
	// Lease returns the lease with the given ID, or an error wrapping
	// [ErrNotFound].
	Lease(ctx context.Context, id string) (Lease, error)
	// Leases returns the leases on environment envID, live or not,
	// ordered by CreatedAt, then ID. An unknown environment has none.
	Leases(ctx context.Context, envID string) ([]Lease, error)
	// AllLeases returns every lease, live or not, ordered by CreatedAt,
	// then ID.
	AllLeases(ctx context.Context) ([]Lease, error)
	// Heartbeat sets the HeartbeatAt of lease leaseID to now
	// ([ErrNotFound] if the lease is gone, for example reaped).
	Heartbeat(ctx context.Context, leaseID string, now time.Time) error
	// ReleaseLease deletes lease leaseID ([ErrNotFound] if it is gone) and
	// returns how many leases remain on its environment, live or not:
	// judging liveness is the caller's business. When none remains, the
	// environment's IdleSince is set to now in the same step.
	ReleaseLease(ctx context.Context, leaseID string, now time.Time) (remaining int, err error)
	// ReapLeases deletes, in one step, every lease for which dead returns
	// true, and sets IdleSince to now on each environment that lost a
	// lease this way and has none left; other environments are not
	// touched. It returns the leases it deleted, in [Store.AllLeases]
	// order. dead is called once per lease while the store holds its
	// write lock: it must be quick (a liveness check, not a network call)
	// and must not call the store.
	ReapLeases(ctx context.Context, dead func(Lease) bool, now time.Time) ([]Lease, error)

	// RecordOps appends op records, all or none. OpRecord.Duration is
	// kept to the microsecond (truncated). No records is a no-op.
	RecordOps(ctx context.Context, recs []OpRecord) error
	// RecordUsage appends one usage record.
	RecordUsage(ctx context.Context, r UsageRecord) error
	// Ops returns the op records at or after since, oldest first; records
	// of equal Time in the order they were recorded.
	Ops(ctx context.Context, since time.Time) ([]OpRecord, error)
	// Usage returns the usage records at or after since, oldest first;
	// records of equal Time in the order they were recorded.
	Usage(ctx context.Context, since time.Time) ([]UsageRecord, error)
	// PruneRecords deletes the op, usage, restart, event and gc run
	// records whose Time is before before. Environments and leases are not
	// touched.
	PruneRecords(ctx context.Context, before time.Time) error

	// RecordRestart appends r. A record with the same EnvID, Service, Time
	// and Kind as one already stored is the same fact (for example one
	// engine restart seen by two watchers): it is not stored again, and
	// the stored one (its Reason) stays.
	RecordRestart(ctx context.Context, r RestartRecord) error
	// Restarts returns the restart records of service in environment
	// envID at or after since, oldest first; records of equal Time in the
	// order they were recorded.
	Restarts(ctx context.Context, envID, service string, since time.Time) ([]RestartRecord, error)
	// AllRestarts returns the restart records of every service at or
	// after since, ordered as [Store.Restarts].
	AllRestarts(ctx context.Context, since time.Time) ([]RestartRecord, error)

	// RecordEvent appends r. A record with the same Container, Time and
	// Action as one already stored is the same event (seen by two
	// watchers, or again after a watcher reopened its stream): it is not
	// stored again.
	RecordEvent(ctx context.Context, r EventRecord) error
	// EventsSince returns the event records at or after since, oldest
	// first; records of equal Time in the order they were recorded.
	EventsSince(ctx context.Context, since time.Time) ([]EventRecord, error)
	// ServiceEvents returns the event records of service in environment
	// envID at or after since, ordered as [Store.EventsSince].
	ServiceEvents(ctx context.Context, envID, service string, since time.Time) ([]EventRecord, error)

	// RecordGCRun appends one cleanup run's record.
	RecordGCRun(ctx context.Context, r GCRunRecord) error
	// GCRuns returns the cleanup run records at or after since, oldest
	// first; records of equal Time in the order they were recorded.
	GCRuns(ctx context.Context, since time.Time) ([]GCRunRecord, error)

	// CreatedAt is when the store was created (for a store older than the
	// record of it: when a berth that keeps the record first opened it).
	// It is never zero and the same on every call and every open.
	// Resources created before it may have been leased in a store that was
	// lost; gc treats them with care.
	CreatedAt(ctx context.Context) (time.Time, error)
	// Close releases the store; it is not used afterwards.
	Close() error
}
