// Package gc plans berth's cleanup. [Build] is pure: from the facts
// gathered about one daemon (berth's store records and leases, the labelled
// resources, disk usage) and the clock, it decides which environments to
// take down and which resources to remove, each with a reason and an
// estimated size, and which to keep and why. [Collector] gathers those
// facts and executes a plan, each environment under its lock, checked
// again there ([Collector.Recheck]).
//
// The rules, in the order they are applied to each environment:
//
//   - a live lease keeps an environment, whatever its age;
//   - a held environment lock (being created or acquired) keeps it;
//   - resources labelled by another state directory are not ours, and an
//     orphan without the state label is not known to be ours;
//   - a known environment goes when its linger has passed since its last
//     lease, when it is older than its stale age, or when one of its
//     containers died (exited non-zero or was OOM-killed): its next acquire
//     would recreate it anyway;
//   - an orphan (labelled ours, unknown to the store) goes once all of it is
//     older than the minimum age; one that is older than the store itself
//     may belong to runners whose leases the lost store held, so while any of
//     its containers runs it goes only once stale; one another host made
//     (same state path on another machine) goes only once stale.
//
// Mode normal adds unused berth volumes and dangling berth images; mode
// deep adds every unused image and volume on the daemon and the build
// cache (explicitly global, see docs/design.md invariant 3).
package gc
