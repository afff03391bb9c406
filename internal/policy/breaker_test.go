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

// TestBreakerClockStepBackRefusesAtMostOpenFor: opened at t0, the clock then
// steps back an hour. The persisted open-until (t0+30s) is an hour and 30 s
// ahead of the new now: the breaker refuses for at most its open duration
// from the step, not for the hour, and the bound, fed back as a caller that
// persists the state does, stays put as the clock moves on.
func TestBreakerClockStepBackRefusesAtMostOpenFor(t *testing.T) {
	b := testBreaker()
	var s BreakerState
	for range 5 {
		s = b.Record(s, true, t0)
	}
	require.Equal(t, t0.Add(30*time.Second), s.OpenUntil)

	back := t0.Add(-time.Hour)
	s, v, until := b.Decide(s, back)
	require.Equal(t, Refuse, v)
	assert.Equal(t, back.Add(30*time.Second), until, "bounded by the open duration from now")
	assert.Equal(t, back.Add(30*time.Second), s.OpenUntil, "the bound is in the state to persist")

	for step := time.Second; step < 30*time.Second; step += time.Second {
		var v Verdict
		s, v, until = b.Decide(s, back.Add(step))
		require.Equal(t, Refuse, v, "at +%s", step)
		require.Equal(t, back.Add(30*time.Second), until, "the bound does not move on with the clock (+%s)", step)
	}
	s, v, _ = b.Decide(s, back.Add(30*time.Second))
	assert.Equal(t, Probe, v, "open for exactly its open duration after the step")

	t.Run("a probe mark far ahead is bounded too", func(t *testing.T) {
		st := BreakerState{Failures: 5, OpenUntil: back, ProbeUntil: t0.Add(time.Hour)}
		st, v, until := b.Decide(st, back)
		require.Equal(t, Refuse, v)
		assert.Equal(t, back.Add(5*time.Second), until)
		assert.Equal(t, back.Add(5*time.Second), st.ProbeUntil)
	})
}

func TestBreakerTripOpensAtOnceAndCountsOneOpening(t *testing.T) {
	b := testBreaker()
	var s BreakerState
	s = b.Trip(s, t0)
	_, v, until := b.Decide(s, t0.Add(time.Second))
	assert.Equal(t, Refuse, v, "one trip opens it, below the threshold")
	assert.Equal(t, t0.Add(30*time.Second), until)
	assert.True(t, s.Open(t0))
	s = b.Trip(s, t0.Add(20*time.Second))
	assert.Equal(t, 1, s.Openings, "tripping an open breaker is not another opening")
	_, v, _ = b.Decide(s, t0.Add(40*time.Second))
	assert.Equal(t, Refuse, v, "a second trip keeps it open for OpenFor from then")
	s = b.Record(s, false, t0.Add(41*time.Second))
	assert.False(t, s.Open(t0.Add(41*time.Second)), "an answer closes it")
	assert.Equal(t, 1, s.Openings)
}
