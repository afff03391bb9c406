// Package live is the resource section of berth audit: [Gather] asks the
// daemon, through berth's gated connection, for its disk usage, its
// containers (with a memory sample of each running one) and their
// labels (effects, bounded by a short timeout); [Evaluate] turns those
// facts into the figures the hand-written audits quoted -- "Build Cache:
// 11.11GB (100% reclaimable)", "backend: 379MiB/512MiB (74.02% - HIGH)"
// -- with exited containers and their age, unused volumes, berth
// environments past their stale age, and the daemon's memory against
// the running containers' limits (pure).
package live
