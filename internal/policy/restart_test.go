package policy

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// at returns t0 plus d, a point of the fake clock.
func at(d time.Duration) time.Time { return t0.Add(d) }

func attempts(ds ...time.Duration) []RestartAttempt {
	out := make([]RestartAttempt, len(ds))
	for i, d := range ds {
		out[i] = RestartAttempt{Time: at(d)}
	}
	return out
}

func TestDefaultRestartPolicy(t *testing.T) {
	assert.Equal(t, RestartPolicy{Cooldown: 30 * time.Second, MaxAttempts: 3, Window: 5 * time.Minute,
		BreakerOpenFor: 30 * time.Second}, DefaultRestartPolicy())
}

func TestRestartPolicyDecide(t *testing.T) {
	const s, m = time.Second, time.Minute
	p := DefaultRestartPolicy()
	cases := []struct {
		name    string
		p       RestartPolicy
		history []RestartAttempt
		force   bool
		now     time.Duration
		allowed bool
		next    time.Duration // NextAllowed - t0
		reason  string
	}{
		{name: "no history", p: p, now: 0, allowed: true, next: 0},
		{name: "in cooldown", p: p, history: attempts(0), now: 12 * s, next: 30 * s,
			reason: "cooldown: last restart 12s ago, cooldown 30s"},
		{name: "one ns before cooldown ends", p: p, history: attempts(0), now: 30*s - 1, next: 30 * s,
			reason: "cooldown: last restart 29s ago, cooldown 30s"},
		{name: "exactly at cooldown end", p: p, history: attempts(0), now: 30 * s, allowed: true, next: 30 * s},
		{name: "cooldown counts from the latest, any order", p: p, history: attempts(40*s, 0), now: 60 * s, next: 70 * s,
			reason: "cooldown: last restart 20s ago, cooldown 30s"},
		{name: "below the limit", p: p, history: attempts(0, 40*s), now: 80 * s, allowed: true, next: 80 * s},
		{name: "window full", p: p, history: attempts(0, 40*s, 80*s), now: 120 * s, next: 5 * m,
			reason: "3 restarts in the last 5m0s (limit 3)"},
		{name: "one ns before the oldest leaves the window", p: p, history: attempts(0, 40*s, 80*s), now: 5*m - 1, next: 5 * m,
			reason: "3 restarts in the last 5m0s (limit 3)"},
		{name: "exactly when the oldest leaves the window", p: p, history: attempts(0, 40*s, 80*s), now: 5 * m, allowed: true, next: 5 * m},
		{name: "over the limit: waits for two to leave", p: p, history: attempts(0, 40*s, 80*s, 120*s), now: 200 * s, next: 5*m + 40*s,
			reason: "4 restarts in the last 5m0s (limit 3)"},
		{name: "engine and forced restarts count", p: p,
			history: []RestartAttempt{{Time: at(0), Engine: true}, {Time: at(40 * s), Forced: true}, {Time: at(80 * s), Engine: true}},
			now:     120 * s, next: 5 * m, reason: "3 restarts in the last 5m0s (limit 3)"},
		{name: "both refuse: cooldown ends later", p: RestartPolicy{Cooldown: 3 * m, MaxAttempts: 2, Window: 3 * m},
			history: attempts(0, 30*s), now: 60 * s, next: 210 * s, reason: "cooldown: last restart 30s ago, cooldown 3m0s"},
		{name: "both refuse: window ends later", p: RestartPolicy{Cooldown: 10 * s, MaxAttempts: 2, Window: 3 * m},
			history: attempts(0, 30*s), now: 35 * s, next: 3 * m, reason: "2 restarts in the last 3m0s (limit 2)"},
		{name: "both end at once: the window is named", p: RestartPolicy{Cooldown: 30 * s, MaxAttempts: 2, Window: 60 * s},
			history: attempts(0, 30*s), now: 40 * s, next: 60 * s, reason: "2 restarts in the last 1m0s (limit 2)"},
		{name: "force overrides", p: p, history: attempts(0, 1*s, 2*s), force: true, now: 3 * s, allowed: true, next: 3 * s, reason: "forced"},
		{name: "no cooldown", p: RestartPolicy{MaxAttempts: 3, Window: m}, history: attempts(0), now: 0, allowed: true, next: 0},
		{name: "no attempt limit", p: RestartPolicy{Cooldown: s}, history: attempts(0, s, 2*s, 3*s), now: 4 * s, allowed: true, next: 4 * s},
		{name: "sub-second cooldown message", p: RestartPolicy{Cooldown: s}, history: attempts(0), now: 250 * time.Millisecond,
			next: s, reason: "cooldown: last restart 250ms ago, cooldown 1s"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := c.p.Decide(c.history, c.force, at(c.now))
			assert.Equal(t, RestartVerdict{Allowed: c.allowed, Reason: c.reason, NextAllowed: at(c.next)}, v)
		})
	}
}

// TestRestartPolicyNextAllowedIsExact checks, for a scripted history, that
// a restart at NextAllowed is allowed and one a nanosecond earlier is not.
func TestRestartPolicyNextAllowedIsExact(t *testing.T) {
	p := RestartPolicy{Cooldown: 7 * time.Second, MaxAttempts: 3, Window: time.Minute}
	var history []RestartAttempt
	now := t0
	for range 20 {
		v := p.Decide(history, false, now)
		if !v.Allowed {
			assert.False(t, p.Decide(history, false, v.NextAllowed.Add(-1)).Allowed, "one ns before %v", v.NextAllowed)
			now = v.NextAllowed
			v = p.Decide(history, false, now)
		}
		assert.True(t, v.Allowed, "at NextAllowed %v", now)
		history = append(history, RestartAttempt{Time: now})
		now = now.Add(time.Second)
	}
	// Steady state: 3 restarts per minute at 0, 7 and 14 s past the minute;
	// the 20th is the second of the seventh minute.
	assert.Equal(t, t0.Add(6*time.Minute+7*time.Second), history[len(history)-1].Time)
}
