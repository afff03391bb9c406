package policy

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

var limitT0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// feed observes n calls of op taking lat, one every step from *now.
func feed(p Limit, s LimitState, now *time.Time, op string, lat time.Duration, n int, step time.Duration) LimitState {
	for range n {
		s = p.Observe(s, op, lat, false, *now)
		*now = now.Add(step)
	}
	return s
}

func TestRisingLatencyShrinksTheLimitAndRecoveryGrowsIt(t *testing.T) {
	p := Limit{Min: 2, Max: 16, Initial: 8, Window: time.Second}
	now := limitT0
	s := feed(p, LimitState{}, &now, "container_create", 50*time.Millisecond, 20, 100*time.Millisecond)
	idle := p.Current(s)
	assert.Greater(t, idle, 8, "an idle daemon lets the limit grow")

	s = feed(p, s, &now, "container_create", 400*time.Millisecond, 30, 100*time.Millisecond)
	assert.Equal(t, 2, p.Current(s), "8x the idle latency for 3 s brings it to the floor")
	assert.Greater(t, s.Ratio, 2.0)

	s = feed(p, s, &now, "container_create", 50*time.Millisecond, 200, 100*time.Millisecond)
	assert.Equal(t, 16, p.Current(s), "back to idle latency, it grows again to the ceiling")
}

func TestTheLimitChangesAtMostOncePerWindow(t *testing.T) {
	p := Limit{Min: 1, Max: 100, Initial: 10, Window: time.Second}
	now := limitT0
	s := feed(p, LimitState{}, &now, "container_start", 20*time.Millisecond, 50, time.Millisecond)
	assert.Equal(t, 11, p.Current(s), "50 idle calls within one window: one step")
}

func TestAFailureHalvesTheLimitAtOnce(t *testing.T) {
	p := Limit{Min: 2, Max: 16, Initial: 12, Window: time.Hour}
	s := p.Observe(LimitState{}, "container_create", 0, true, limitT0)
	assert.Equal(t, 6, p.Current(s))
	s = p.Observe(s, "container_create", 0, true, limitT0)
	s = p.Observe(s, "container_create", 0, true, limitT0)
	assert.Equal(t, 2, p.Current(s), "never below the floor")
}

func TestEachKindOfCallHasItsOwnBaseline(t *testing.T) {
	p := Limit{Min: 2, Max: 16, Initial: 4, Window: time.Second}
	now := limitT0
	var s LimitState
	for range 150 { // 15 s of an idle daemon: inspects are fast, creates slow, both as usual
		s = feed(p, s, &now, "container_inspect", 3*time.Millisecond, 1, 50*time.Millisecond)
		s = feed(p, s, &now, "container_create", 120*time.Millisecond, 1, 50*time.Millisecond)
	}
	assert.Less(t, s.Ratio, limitIdleRatio, "mixing kinds is not read as load")
	assert.Equal(t, 16, p.Current(s))
}

func TestAPinnedLimitNeverMoves(t *testing.T) {
	p := Limit{Min: 4, Max: 4, Initial: 4, Window: time.Millisecond}
	now := limitT0
	s := feed(p, LimitState{}, &now, "container_create", 10*time.Millisecond, 50, 10*time.Millisecond)
	assert.Equal(t, 4, p.Current(s))
	s = feed(p, s, &now, "container_create", time.Second, 50, 10*time.Millisecond)
	assert.Equal(t, 4, p.Current(s))
	s = p.Observe(s, "container_create", 0, true, now)
	assert.Equal(t, 4, p.Current(s))
}

func TestAFloorAboveTheCeilingIsTheCeiling(t *testing.T) {
	p := Limit{Min: 2, Max: 1, Initial: 4}
	assert.Equal(t, 1, p.Current(LimitState{}))
}
