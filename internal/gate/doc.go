// Package gate is the one path from berth to the Docker daemon (docs/design.md
// invariant 1). [Gate] wraps an engine.Engine and is itself one; every call
// passes, in order, through:
//
//   - the circuit breaker, shared by every berth process of the daemon
//     through a small file: after Threshold consecutive daemon-unavailable
//     calls it refuses calls at once for OpenFor, then lets one caller probe
//     with a ping;
//   - for mutating calls, the shared rate budget (a GCRA schedule in a file)
//     and one of N cross-process concurrency slots (flock on slot files, so
//     a killed holder frees its slot at once), held by every mutating call
//     but pulls and builds (slots of their own) and execs not marked
//     bounded ([HoldsSlot]);
//   - retries with jittered exponential backoff, for transient errors only;
//   - counters and latencies per operation kind ([Gate.Stats]).
//
// Shared state lives in two directories: the breaker beside the daemon's
// endpoint (it must work before the daemon can be asked who it is), slots
// and budget in the daemon's state directory (keyed by daemon ID).
package gate
