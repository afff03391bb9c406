package policy

import "time"

// Budget is a rate budget as a generic cell rate algorithm: its whole state
// is one time, the "theoretical arrival time" (TAT), which makes it cheap to
// share between processes through a small file. Interval is the spacing of
// calls at the sustained rate; Burst calls may go back to back.
//
// golang.org/x/time/rate implements the same idea in memory only; its state
// cannot be read out and written back, which sharing between processes needs.
type Budget struct {
	Interval time.Duration
	Burst    int
}

// maxQueue bounds how far queued reservations may push the schedule ahead.
const maxQueue = time.Minute

// Reserve takes one call from the budget at now. It returns the new TAT to
// persist and how long the caller must wait before calling (0 = at once).
// The reservation holds even if the caller then gives up waiting.
func (b Budget) Reserve(tat, now time.Time) (time.Time, time.Duration) {
	if b.Interval <= 0 {
		return tat, 0
	}
	start := tat
	// Queued callers push the stored time ahead, but not by more than a
	// minute past a full burst in any sane load; a time further ahead comes
	// from a clock that stepped back, and no process should wait that out.
	if start.Before(now) || start.After(now.Add(b.Interval*time.Duration(max(b.Burst, 1))+maxQueue)) {
		start = now
	}
	tolerance := b.Interval * time.Duration(max(b.Burst, 1)-1)
	allowAt := start.Add(-tolerance)
	wait := time.Duration(0)
	if allowAt.After(now) {
		wait = allowAt.Sub(now)
	}
	return start.Add(b.Interval), wait
}
