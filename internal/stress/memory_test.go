package stress

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestMemoryTrackerPeak: the peak is the largest sum of the limits of
// the containers running at once; a second start of a running container
// (a restart without its die seen) is not counted twice, and a stop of a
// container never seen starting changes nothing.
func TestMemoryTrackerPeak(t *testing.T) {
	m := newMemoryTracker()
	m.started("a", 3<<30)
	m.started("b", 3<<30)
	m.stopped("a")
	m.started("c", 1<<30)
	m.started("c", 1<<30)
	m.stopped("never-started")
	assert.Equal(t, int64(6<<30), m.peak)
	assert.Equal(t, int64(4<<30), m.sum)
	m.stopped("b")
	m.stopped("c")
	assert.Zero(t, m.sum)
	assert.Equal(t, int64(6<<30), m.peak)
}
