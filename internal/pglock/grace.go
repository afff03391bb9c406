package pglock

import "time"

// Grace is how long after the database (re)started a lease lock found free
// is not yet taken as its holder's death. A restart ends every session and
// so drops every lock; each holder notices its connection end (at once
// when the server shuts down cleanly, within the keepalive bound
// otherwise), reconnects with a pause of at most [retakeMaxPause] and
// takes its lock again. 30 s leaves room for a server that takes a while
// to accept connections again and for holders under load; it is also the
// acceptance bound for judging a vanished host's leases dead, which a
// restart should not beat.
const Grace = 30 * time.Second

// Liveness is what a probe of a lease lock concludes.
type Liveness int

const (
	// Dead: the lock is free and the database has been up long enough
	// that a live holder would have taken it again.
	Dead Liveness = iota
	// Held: a holder holds the lock.
	Held
	// Settling: the lock is free, but the database came up less than
	// [Grace] ago: its holder may be reconnecting. Treat as live.
	Settling
)

// Judge is the decision of a probe: held is whether the lock is held now,
// up how long the database has been running (its clock: now() minus
// pg_postmaster_start_time()).
func Judge(held bool, up, grace time.Duration) Liveness {
	switch {
	case held:
		return Held
	case up < grace:
		return Settling
	default:
		return Dead
	}
}

// Live reports whether a lease with this liveness must be kept.
func (l Liveness) Live() bool { return l != Dead }

func (l Liveness) String() string {
	switch l {
	case Held:
		return "held"
	case Settling:
		return "settling after a database restart"
	default:
		return "dead"
	}
}
