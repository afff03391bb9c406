// Package pglock holds berth's cross-host locks and shared gate state in
// PostgreSQL, for runners on several hosts that share one daemon
// (BERTH_STORE=postgres://…; docs/design.md "Many hosts").
//
// Every lock is a session advisory lock: it belongs to one database
// connection, and the server drops it when that connection ends, however
// it ends (the holder exits, is SIGKILLed, or its host vanishes and TCP
// keepalives give up on it; see [Connect] for the figures). That is the
// cross-host form of the kernel locks of package lock (docs/design.md
// invariant 4).
//
// Start with [Backends], which opens the pool and returns:
//   - [Locks]: named exclusive locks (environment locks), the
//     lifecycle.Locker and gc.Locks of the file backend;
//   - [Slots]: a counting semaphore served first come, first served;
//   - [LeaseLocks]: lease liveness, held by the lease's holder and probed
//     without ever blocking it, judged with a grace period after a
//     database restart ([Grace]);
//   - [Shared]: small state rows (budget, breaker, adaptive limit) read
//     and rewritten in one transaction.
//
// Lock keys are 64-bit hashes of a scope (the daemon's or store's key) and
// a name ([Key]); several daemons and stores can share one database.
package pglock
