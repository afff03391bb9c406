package store

import "time"

// LeaseLive reports whether lease l still has a live holder at now, seen
// from host (this machine's [proc.Host]); alive is [proc.Alive] (injected
// for tests). A lease is live when either holds:
//
//   - its holder is a process on this host with a known start time, and
//     alive(pid, start) says that process still runs;
//   - it has a heartbeat TTL and its last heartbeat is at most TTL old.
//
// A lease held from another host with no heartbeat TTL cannot be checked
// from here, so it is treated as live: berth never takes away a lease it
// cannot disprove. Such a lease goes when its holder releases it.
//
// [proc.Host]: github.com/berth-dev/berth/internal/proc.Host
// [proc.Alive]: github.com/berth-dev/berth/internal/proc.Alive
func LeaseLive(l Lease, now time.Time, host string, alive func(pid int, start uint64) bool) bool {
	h := l.Holder
	if h.Host == host && h.StartTime != 0 && alive(h.PID, h.StartTime) {
		return true
	}
	if l.TTL > 0 {
		return now.Sub(l.HeartbeatAt) <= l.TTL
	}
	return h.Host != host
}
