package stress

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/store"
)

var t0 = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

func TestPercentilesNearestRank(t *testing.T) {
	var s []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	assert.Equal(t, Ping{P50: 50, P95: 95, Max: 100}, Percentiles(s))
	assert.Equal(t, Ping{P50: 7, P95: 7, Max: 7}, Percentiles([]time.Duration{7 * time.Millisecond}))
	assert.Equal(t, Ping{}, Percentiles(nil))
	assert.Equal(t, Ping{P50: 1.5, P95: 1.5, Max: 1.5}, Percentiles([]time.Duration{1500 * time.Microsecond}))
}

func TestPeakOverlap(t *testing.T) {
	cases := []struct {
		name string
		iv   []Interval
		want int
	}{
		{"none", nil, 0},
		{"one", []Interval{{at(0), at(10)}}, 1},
		{"touching intervals do not overlap", []Interval{{at(0), at(10)}, {at(10), at(20)}, {at(20), at(30)}}, 1},
		{"nested", []Interval{{at(0), at(100)}, {at(10), at(20)}, {at(15), at(18)}}, 3},
		{"two groups", []Interval{{at(0), at(10)}, {at(5), at(15)}, {at(50), at(60)}, {at(52), at(58)}, {at(55), at(57)}}, 3},
		{"empty and inverted intervals count for nothing", []Interval{{at(5), at(5)}, {at(9), at(1)}, {at(0), at(10)}}, 1},
		{"same start", []Interval{{at(0), at(10)}, {at(0), at(5)}}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, PeakOverlap(c.iv)) })
	}
}

func TestAtDaemonSkipsTheQueueReadsAndOtherProcesses(t *testing.T) {
	recs := []store.OpRecord{
		// Two creates queued behind each other: at the daemon one after the other.
		{Time: at(0), Op: string(engine.OpContainerCreate), Duration: 10 * time.Millisecond, PID: 1},
		{Time: at(0), Op: string(engine.OpContainerCreate), Duration: 20 * time.Millisecond, Queued: 10 * time.Millisecond, PID: 2},
		{Time: at(0), Op: string(engine.OpContainerInspect), Duration: 20 * time.Millisecond, PID: 1}, // a read
		{Time: at(0), Op: string(engine.OpContainerStart), Duration: 20 * time.Millisecond, PID: 99},  // not a runner
		{Time: at(5), Op: string(engine.OpImagePull), Duration: 10 * time.Millisecond, PID: 2},        // holds no operation slot
		// A stop holds a slot: it waited for the second create's.
		{Time: at(5), Op: string(engine.OpContainerStop), Duration: 25 * time.Millisecond, Queued: 15 * time.Millisecond, PID: 1},
	}
	pids := map[int]bool{1: true, 2: true}
	iv := AtDaemon(recs, pids)
	assert.Equal(t, []Interval{{at(0), at(10)}, {at(10), at(20)}, {at(5), at(15)}, {at(20), at(30)}}, iv)
	assert.Equal(t, 2, PeakOverlap(iv), "a pull overlaps the creates")
	assert.Equal(t, 1, PeakOverlap(InSlots(recs, pids)), "but holds no operation slot")
	assert.InDelta(t, 2.5, CallsPerRunner(recs, pids), 1e-9)
	assert.Zero(t, CallsPerRunner(recs, nil))
}
