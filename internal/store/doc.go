// Package store keeps berth's shared state in one SQLite file per daemon:
// environments, the leases runners hold on them, and the operation and
// usage records that stats read. Many berth processes open the same file at
// once; the file is in WAL mode with a busy timeout, and every write runs in
// a BEGIN IMMEDIATE transaction, so writers queue instead of failing with
// "database is locked" and a read-then-write never deadlocks. Writers also
// queue on a kernel file lock first (see writelock.go), which keeps the
// longest wait short when many processes write at once.
//
// Times are stored as Unix nanoseconds (UTC) and a zero time as NULL;
// durations as nanoseconds. The schema is created and upgraded by numbered
// migrations (see migrate.go) when the store is opened.
//
// The store is the truth of who uses an environment, not of what exists:
// labels on Docker resources are. Losing the file loses leases, not
// environments.
package store
