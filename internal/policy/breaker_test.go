package policy

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func testBreaker() Breaker {
	return Breaker{Threshold: 5, OpenFor: 30 * time.Second, ProbeTimeout: 5 * time.Second}
}

func TestBreakerOpensAfterThresholdConsecutiveFailures(t *testing.T) {
	b := testBreaker()
	var s BreakerState
	for i := range 4 {
		s = b.Record(s, true, t0)
		_, v, _ := b.Decide(s, t0)
		require.Equal(t, Allow, v, "after %d failures", i+1)
	}
	s = b.Record(s, true, t0)
	_, v, until := b.Decide(s, t0.Add(time.Second))
	assert.Equal(t, Refuse, v)
	assert.Equal(t, t0.Add(30*time.Second), until)
	assert.Equal(t, 1, s.Openings)
}

func TestBreakerSuccessResetsTheCount(t *testing.T) {
	b := testBreaker()
	var s BreakerState
	for range 4 {
		s = b.Record(s, true, t0)
	}
	s = b.Record(s, false, t0)
	for range 4 {
		s = b.Record(s, true, t0)
	}
	_, v, _ := b.Decide(s, t0)
	assert.Equal(t, Allow, v, "4 failures after a success must not open it")
}

func TestBreakerHalfOpenLetsOneProbeThrough(t *testing.T) {
	b := testBreaker()
	var s BreakerState
	for range 5 {
		s = b.Record(s, true, t0)
	}
	later := t0.Add(30 * time.Second)
	s, v, _ := b.Decide(s, later)
	require.Equal(t, Probe, v)
	_, v2, until := b.Decide(s, later.Add(time.Millisecond))
	assert.Equal(t, Refuse, v2, "a second caller waits for the probe")
	assert.Equal(t, later.Add(5*time.Second), until)

	t.Run("failed probe reopens for the full period", func(t *testing.T) {
		s2 := b.Record(s, true, later)
		_, v, until := b.Decide(s2, later.Add(time.Second))
		assert.Equal(t, Refuse, v)
		assert.Equal(t, later.Add(30*time.Second), until)
		assert.Equal(t, 2, s2.Openings)
	})
	t.Run("good probe closes", func(t *testing.T) {
		s2 := b.Record(s, false, later)
		_, v, _ := b.Decide(s2, later)
		assert.Equal(t, Allow, v)
		assert.Equal(t, 1, s2.Openings, "openings are kept for stats")
	})
	t.Run("a probe that never reports expires", func(t *testing.T) {
		_, v, _ := b.Decide(s, later.Add(5*time.Second))
		assert.Equal(t, Probe, v)
	})
}
