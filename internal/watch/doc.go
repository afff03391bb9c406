// Package watch records the container events of a berth environment while
// a berth process has it up: deaths (with exit codes), OOM kills (with the
// memory limit that was hit), the engine's own restarts and health
// changes. The records go to the shared store, where the restart limiter
// and its per-service breaker (internal/policy) and `berth stats` read
// them, so every berth process of the daemon sees the same history.
//
// Several processes may watch one environment at once; each records what
// it sees, and the store keeps one record per event (see
// [store.Store.RecordEvent] and [store.Store.RecordRestart]).
package watch
