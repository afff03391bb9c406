// Package berth coordinates many parallel test runners that share one
// Docker daemon: shared or dedicated compose environments held by
// crash-safe leases, one gated path to the daemon (cross-process
// concurrency slots, rate budget, retries, circuit breaker), graceful
// teardown that never force-removes, and cleanup that never touches what is
// in use or not berth's.
//
// The command-line tool is cmd/berth; this package is the library for Go
// test suites (TestMain). See README.md and DESIGN.md.
package berth
