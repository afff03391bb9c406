// Package postgres is the PostgreSQL backend of [store.Store]: berth's
// shared state in one PostgreSQL database that berth processes on several
// hosts share. [Open] is where a caller starts: it connects (retrying a
// server that does not answer yet), then creates and migrates the schema
// of one Docker daemon. [Connect] and [Server.Open] do the two halves
// apart, so a caller can find an unreachable database before it asks the
// daemon anything.
//
// Several daemons share one database: each daemon's state is its own
// schema, "berth_" and 16 hex digits of the SHA-256 of the daemon's ID
// ([SchemaOf]), set as the search_path of every connection of the store's
// pool. The schema records the daemon ID it belongs to and the store's own
// random ID ([Store.ID]), which berth uses as "our state" (the
// dev.berth.state-id label) so that every host sharing the store shares
// the environments made through it.
//
// Every write of environments and leases runs in one transaction that
// first takes the schema's write lock, a transaction-level advisory lock
// ([Store.LockKey] "write"): those writes of one daemon's state are
// serialized exactly as SQLite serializes them, so read-then-write steps
// (release the last lease, reap) need no more care. Records (ops, usage,
// restarts, events) are only appended and pruned, so they skip the lock;
// reads take none. The schema is created and upgraded by numbered
// migrations (migrate.go), all in one transaction under an advisory lock,
// so processes opening a new store at once never race.
//
// Times are stored as Unix nanoseconds (UTC, bigint) and a zero time as
// NULL; durations as nanoseconds, op durations as microseconds; a holder's
// start time (uint64) as its int64 bits. Records of equal time keep the
// order they were recorded in by an identity column.
//
// The store exposes its pool ([Store.Pool]) and advisory lock keys
// ([Store.LockKey]) for the parts of berth that keep their own rows and
// session locks in the same database (environment locks, lease liveness,
// the gate's shared state).
package postgres

import "github.com/berth-dev/berth/internal/store"

var _ store.Store = (*Store)(nil)
