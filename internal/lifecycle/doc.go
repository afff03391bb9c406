// Package lifecycle moves berth's containers and networks through their
// lives safely on a shared daemon.
//
// Taking down (DESIGN.md invariant 2): [StopAndRemove] stops a container
// with its own stop signal and grace period, verifies by inspection that it
// exited, and only then removes it, never with force. A container that
// will not stop is left in place and reported as a [*NotStoppedError] for
// `berth gc`. [StopAll] runs that sequence for many containers in
// parallel, so a teardown takes about the longest grace period, not the
// sum.
//
// Networks: [EnsureNetwork] makes concurrent creators, in threads or in
// separate processes, converge on one network per name; [RemoveNetwork]
// removes a berth network only once nothing running is attached.
//
// Every function here treats "not found" as done, so each is idempotent
// and tolerates a racing process doing the same work. All Docker calls go
// through the [engine.Engine] the caller passes (in production the gate).
package lifecycle
