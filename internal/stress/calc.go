package stress

import (
	"cmp"
	"slices"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/gate"
	"github.com/berth-dev/berth/internal/store"
)

// Percentiles summarizes ping samples (nearest rank), in milliseconds;
// no samples give zeros.
func Percentiles(samples []time.Duration) Ping {
	if len(samples) == 0 {
		return Ping{}
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	rank := func(p int) time.Duration {
		i := (len(s)*p + 99) / 100
		return s[max(i-1, 0)]
	}
	return Ping{P50: ms(rank(50)), P95: ms(rank(95)), Max: ms(s[len(s)-1])}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Interval is a half-open span of time [Start, End).
type Interval struct{ Start, End time.Time }

// PeakOverlap returns the largest number of intervals that cover one
// instant. Intervals that only touch (one ends where the next starts) do
// not overlap; empty ones count for nothing.
func PeakOverlap(iv []Interval) int {
	type edge struct {
		t     time.Time
		delta int
	}
	edges := make([]edge, 0, 2*len(iv))
	for _, i := range iv {
		if !i.End.After(i.Start) {
			continue
		}
		edges = append(edges, edge{i.Start, 1}, edge{i.End, -1})
	}
	slices.SortFunc(edges, func(a, b edge) int {
		return cmp.Or(a.t.Compare(b.t), cmp.Compare(a.delta, b.delta)) // ends first
	})
	peak, cur := 0, 0
	for _, e := range edges {
		cur += e.delta
		peak = max(peak, cur)
	}
	return peak
}

// AtDaemon returns, for the mutating calls among recs made by the
// processes in pids, the span each spent at the daemon (for a retried
// call, its last attempt): from after the gate's queue (Time+Queued) to
// the daemon's answer (Time+Duration). Calls that share one operation
// slot never overlap there. Pulls and builds hold no operation slot
// (they have their own), nor does an interactive exec, so the peak over
// all mutating calls can exceed BERTH_MAX_CONCURRENT_OPS when they run.
func AtDaemon(recs []store.OpRecord, pids map[int]bool) []Interval {
	return atDaemon(recs, pids, engine.Op.Mutating)
}

// InSlots is [AtDaemon] for the calls that hold an operation slot while
// at the daemon ([gate.HoldsSlot]): the gate keeps at most
// BERTH_MAX_CONCURRENT_OPS of them there at once, across processes. The
// op log does not say whether an exec was bounded: every exec counts as
// one (a readiness probe), true of the runners' execs (`berth run` makes
// no interactive one).
func InSlots(recs []store.OpRecord, pids map[int]bool) []Interval {
	return atDaemon(recs, pids, func(op engine.Op) bool { return op.Mutating() && gate.HoldsSlot(op, true) })
}

func atDaemon(recs []store.OpRecord, pids map[int]bool, keep func(engine.Op) bool) []Interval {
	var out []Interval
	for _, r := range recs {
		if !pids[r.PID] || !keep(engine.Op(r.Op)) {
			continue
		}
		out = append(out, Interval{Start: r.Time.Add(r.Queued), End: r.Time.Add(r.Duration)})
	}
	return out
}

// CallsPerRunner is the mean number of Docker calls the processes in pids
// made, from their op records.
func CallsPerRunner(recs []store.OpRecord, pids map[int]bool) float64 {
	if len(pids) == 0 {
		return 0
	}
	n := 0
	for _, r := range recs {
		if pids[r.PID] {
			n++
		}
	}
	return float64(n) / float64(len(pids))
}
