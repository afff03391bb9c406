package stress

import (
	"context"
)

// memoryTracker follows, from the daemon's events, the memory limits of
// the run's running containers: a container counts from its start event
// (its limit read by one inspect) until its die or destroy event. Its
// peak is what the daemon had promised at most at any moment, checked
// from the daemon's side rather than from berth's own reservations.
type memoryTracker struct {
	running map[string]int64 // container ID -> memory limit (0: none)
	sum     int64
	peak    int64
}

func newMemoryTracker() *memoryTracker { return &memoryTracker{running: map[string]int64{}} }

// started counts container id with its limit.
func (m *memoryTracker) started(id string, limit int64) {
	if old, ok := m.running[id]; ok {
		m.sum -= old
	}
	m.running[id] = limit
	m.sum += limit
	m.peak = max(m.peak, m.sum)
}

// stopped stops counting container id.
func (m *memoryTracker) stopped(id string) {
	if old, ok := m.running[id]; ok {
		m.sum -= old
		delete(m.running, id)
	}
}

// limitOf reads container id's memory limit; a container gone before its
// inspection counts with none (it ran too briefly to matter).
func (r *Recorder) limitOf(ctx context.Context, id string) int64 {
	c, err := r.e.ContainerInspect(ctx, id)
	if err != nil {
		return 0
	}
	return c.MemoryLimit
}
