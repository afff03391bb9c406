package gate

import (
	"slices"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// latencyWindow is how many recent latencies per operation kind are kept
// for percentiles.
const latencyWindow = 512

// OpStats are the counters of one operation kind in this process.
type OpStats struct {
	Count   int           // calls made (after retries: one per call)
	Errors  int           // calls that returned an error
	Retries int           // extra attempts spent on transient errors
	Refused int           // calls refused by the open circuit
	P50     time.Duration // over the most recent calls
	P95     time.Duration
	Max     time.Duration
}

type opCounter struct {
	OpStats
	recent []time.Duration // ring of the latest latencies
	next   int
}

// stats collects per-operation counters; safe for concurrent use.
type stats struct {
	mu      sync.Mutex
	ops     map[engine.Op]*opCounter
	pending []Call // finished calls not yet taken (see calls.go)
	dropped int
}

func (s *stats) observe(op engine.Op, start time.Time, latency, queued time.Duration, err error, retries int, refused bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ops == nil {
		s.ops = map[engine.Op]*opCounter{}
	}
	c := s.ops[op]
	if c == nil {
		c = &opCounter{}
		s.ops[op] = c
	}
	c.Count++
	c.Retries += retries
	if err != nil {
		c.Errors++
	}
	if refused {
		c.Refused++
	}
	c.Max = max(c.Max, latency)
	s.keepLocked(Call{Time: start, Op: op, Duration: latency, Queued: queued, ErrorKind: ErrorKind(err),
		Retries: retries, Refused: refused})
	if len(c.recent) < latencyWindow {
		c.recent = append(c.recent, latency)
	} else {
		c.recent[c.next] = latency
		c.next = (c.next + 1) % latencyWindow
	}
}

func (s *stats) snapshot() map[engine.Op]OpStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[engine.Op]OpStats, len(s.ops))
	for op, c := range s.ops {
		st := c.OpStats
		sorted := slices.Clone(c.recent)
		slices.Sort(sorted)
		st.P50 = percentile(sorted, 50)
		st.P95 = percentile(sorted, 95)
		out[op] = st
	}
	return out
}

// percentile of an ascending slice, nearest-rank.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i-1, 0)]
}
