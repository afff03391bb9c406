package policy

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestBudgetAllowsBurstThenSpacesCalls(t *testing.T) {
	b := Budget{Interval: 50 * time.Millisecond, Burst: 10}
	var tat time.Time
	var wait time.Duration
	for i := range 10 {
		tat, wait = b.Reserve(tat, t0)
		assert.Zero(t, wait, "call %d of the burst", i+1)
	}
	for i := 1; i <= 3; i++ {
		tat, wait = b.Reserve(tat, t0)
		assert.Equal(t, time.Duration(i)*50*time.Millisecond, wait)
	}
}

func TestBudgetRefillsOverTime(t *testing.T) {
	b := Budget{Interval: 50 * time.Millisecond, Burst: 10}
	var tat time.Time
	for range 10 {
		tat, _ = b.Reserve(tat, t0)
	}
	// 200 ms later four calls have been earned back.
	now := t0.Add(200 * time.Millisecond)
	for i := range 4 {
		var wait time.Duration
		tat, wait = b.Reserve(tat, now)
		assert.Zero(t, wait, "refilled call %d", i+1)
	}
	_, wait := b.Reserve(tat, now)
	assert.Equal(t, 50*time.Millisecond, wait)
}

func TestBudgetAsCooldownSpacesEveryCall(t *testing.T) {
	b := Budget{Interval: 2 * time.Second, Burst: 1}
	tat, wait := b.Reserve(time.Time{}, t0)
	assert.Zero(t, wait)
	tat, wait = b.Reserve(tat, t0.Add(500*time.Millisecond))
	assert.Equal(t, 1500*time.Millisecond, wait)
	_, wait = b.Reserve(tat, t0.Add(10*time.Second))
	assert.Zero(t, wait, "an idle period does not bank more than the burst")
}

func TestBudgetZeroIntervalIsUnlimited(t *testing.T) {
	_, wait := Budget{}.Reserve(t0.Add(time.Hour), t0)
	assert.Zero(t, wait)
}

func TestBudgetIgnoresAStateFromAClockThatSteppedBack(t *testing.T) {
	b := Budget{Interval: 50 * time.Millisecond, Burst: 10}
	_, wait := b.Reserve(t0.Add(time.Hour), t0)
	assert.Zero(t, wait, "a TAT an hour ahead is not waited out")
	_, wait = b.Reserve(t0.Add(30*time.Second), t0)
	assert.Equal(t, 30*time.Second-450*time.Millisecond, wait, "a queue of reservations still counts")
}
