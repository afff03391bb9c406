// Package store defines berth's shared state, independent of where it is
// kept: the [Store] interface, the records it keeps ([Env], [Lease],
// [OpRecord], [UsageRecord], [RestartRecord], [EventRecord]) with their
// typed values ([State], [UsageKind], [RestartKind]), [ErrNotFound], and
// [LeaseLive], which judges a lease's holder.
//
// Backends live in subpackages: internal/store/sqlite (one file per
// daemon; [sqlite.Open] is where a caller starts, the default) and
// internal/store/postgres (one schema per daemon in a database hosts
// share; [postgres.Open], selected by BERTH_STORE). Each passes the
// contract suite internal/store/storetest.
//
// The store is the truth of who uses an environment, not of what exists:
// labels on Docker resources are. Losing the store loses leases, not
// environments.
//
// [sqlite.Open]: github.com/berth-dev/berth/internal/store/sqlite.Open
// [postgres.Open]: github.com/berth-dev/berth/internal/store/postgres.Open
package store
