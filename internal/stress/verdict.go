package stress

import (
	"fmt"
	"maps"
	"slices"
)

// Evaluate returns the invariants r violates, each as a sentence (none:
// the run is clean). services are the stack's services; the invariants:
//   - every run passed (runners×cycles of them);
//   - every environment had each of its services created exactly once
//     (no duplicate, none missing);
//   - shared mode created one environment, dedicated mode one per run;
//   - no more slot-holding calls at the daemon at once than the limit;
//   - the memory limits of the containers running at once never above the
//     daemon's memory;
//   - nothing berth-labelled of the run is left on the daemon.
func Evaluate(r Report, services []string) []string {
	v := []string{}
	runs := r.Runners * r.Cycles
	if r.RunsFailed > 0 {
		v = append(v, fmt.Sprintf("%d of %d runs failed", r.RunsFailed, runs))
	}
	if r.RunsPassed+r.RunsFailed != runs {
		v = append(v, fmt.Sprintf("%d runs accounted for, want %d", r.RunsPassed+r.RunsFailed, runs))
	}
	for _, env := range slices.Sorted(maps.Keys(r.Creates)) {
		for _, svc := range services {
			if n := r.Creates[env][svc]; n != 1 {
				v = append(v, fmt.Sprintf("service %s of environment %s was created %d times, want once", svc, env, n))
			}
		}
	}
	want := 1
	if r.Mode == ModeDedicated {
		want = runs
	}
	if r.EnvironmentsCreated != want {
		v = append(v, fmt.Sprintf("%d environments created, want %d (%s mode)", r.EnvironmentsCreated, want, r.Mode))
	}
	if r.PeakSlotCalls != nil && r.SlotLimit > 0 && *r.PeakSlotCalls > r.SlotLimit {
		v = append(v, fmt.Sprintf("%d slot-holding calls at the daemon at once, above the limit of %d", *r.PeakSlotCalls, r.SlotLimit))
	}
	if r.DaemonMemoryBytes > 0 && r.PeakMemoryLimitsBytes > r.DaemonMemoryBytes {
		v = append(v, fmt.Sprintf("the running containers' memory limits reached %d MiB at once, above the daemon's %d MiB",
			r.PeakMemoryLimitsBytes>>20, r.DaemonMemoryBytes>>20))
	}
	if r.Leftovers > 0 {
		v = append(v, fmt.Sprintf("%d resources left behind", r.Leftovers))
	}
	return v
}
