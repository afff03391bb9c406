// Package sqlite is the SQLite backend of [store.Store]: berth's shared
// state in one SQLite file per daemon. [Open] opens it, creating and
// migrating the file as needed. It passes the contract suite
// internal/store/storetest (contract_test.go); the tests here cover what
// is SQLite's own: the file, the schema and its migrations, the write
// lock, several processes sharing one file, and [Store.Update].
//
// Many berth processes open the same file at once; the file is in WAL mode
// with a busy timeout, and every write runs in a BEGIN IMMEDIATE
// transaction, so writers queue instead of failing with "database is
// locked" and a read-then-write never deadlocks. Writers also queue on a
// kernel file lock first (see writelock.go), which keeps the longest wait
// short when many processes write at once.
//
// Times are stored as Unix nanoseconds (UTC) and a zero time as NULL;
// durations as nanoseconds, op durations as microseconds. The schema is
// created and upgraded by numbered migrations (see migrate.go) when the
// store is opened.
//
// Beyond [store.Store], [Store.Update] runs several operations (the
// methods of [Tx]) in one write transaction.
package sqlite

import "github.com/berth-dev/berth/internal/store"

var _ store.Store = (*Store)(nil)
