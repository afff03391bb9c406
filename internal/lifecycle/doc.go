// Package lifecycle moves berth's containers and networks through their
// lives safely on a shared daemon.
//
// Taking down (docs/design.md invariant 2): [StopAndRemove] stops a container
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
// Environments: [Up] brings a plan.Plan up (networks, volumes, builds, then
// services level by level, one level in parallel), waiting on each
// dependency's condition with the events stream (health_status, die, oom)
// and inspection as a fallback, and declaring a service with a health
// check ready as soon as berth's own run of that check passes (active
// readiness; [ConfirmStarting] is the same for the reuse check); a failed
// dependency fails the up quickly,
// with its last log lines, and what was created is torn down. [Teardown]
// takes down everything labelled with an environment's ID, all containers
// at once; [Status] reports an environment's services, and
// [EnvStatus.Healthy] is the cheap check before reusing one.
//
// Every function here treats "not found" as done, so each is idempotent
// and tolerates a racing process doing the same work. All Docker calls go
// through the [engine.Engine] the caller passes (in production the gate).
package lifecycle
