// Package berth coordinates many parallel test runners that share one
// Docker daemon: shared or dedicated compose environments held by
// crash-safe leases, one gated path to the daemon (cross-process
// concurrency slots, rate budget, retries, circuit breaker), graceful
// teardown that never force-removes, and cleanup that never touches what is
// in use or not berth's.
//
// Where to start: a test suite's TestMain calls [Acquire] with the compose
// files, reads endpoints with [Env.Endpoint] or [Env.Vars], and calls
// [Env.Release] at the end. A program that acquires several environments
// opens one [Manager] with [Open].
//
// This package is a thin front: each method hands off to one internal
// subsystem (acquire, release, restart, gc, stats, query). The command-line
// tool is cmd/berth; docs/design.md describes the whole.
package berth
