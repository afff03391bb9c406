package policy

import (
	"fmt"
	"slices"
	"time"
)

// RestartPolicy limits how often one service of one environment is
// restarted: at least Cooldown between two restarts, and at most
// MaxAttempts restarts in any sliding Window. Every restart that happened
// counts, whoever did it: berth's own (done or forced) and the engine's
// (seen in the events stream).
type RestartPolicy struct {
	Cooldown    time.Duration // 0: no cooldown
	MaxAttempts int           // < 1: no limit per window
	Window      time.Duration // <= 0: no limit per window
	// BreakerOpenFor is how long the [ServiceBreaker] of a service that
	// keeps dying stays open after its last death.
	BreakerOpenFor time.Duration
}

// DefaultRestartPolicy returns the defaults of docs/design.md: a 30 s
// cooldown, at most 3 restarts in 5 minutes, and a service breaker that
// stays open 30 s after the last death.
func DefaultRestartPolicy() RestartPolicy {
	return RestartPolicy{Cooldown: 30 * time.Second, MaxAttempts: 3, Window: 5 * time.Minute,
		BreakerOpenFor: 30 * time.Second}
}

// RestartAttempt is one restart that happened.
type RestartAttempt struct {
	Time   time.Time
	Forced bool // berth restarted it with --force
	Engine bool // the engine restarted it on its own (seen in events)
}

// RestartVerdict is the answer to "may this service be restarted now?".
type RestartVerdict struct {
	Allowed bool
	// Reason says why a restart is refused (for example "cooldown: last
	// restart 12s ago, cooldown 30s"); "forced" for a forced restart; ""
	// for an ordinary allowed one.
	Reason string
	// NextAllowed is the earliest time a restart is allowed, given the same
	// history: now when Allowed, otherwise the exact time at which both the
	// cooldown and the window allow it.
	NextAllowed time.Time
}

// Decide answers whether a restart may happen at now, given the restarts
// that already happened (history, any order; attempts after now are
// treated as happening at their time, so they count too).
//
// The exact rule, with last the latest attempt:
//   - force: always allowed, Reason "forced" (the caller records it as
//     forced, so it counts against later restarts).
//   - cooldown: refused while now < last+Cooldown; allowed at exactly
//     last+Cooldown.
//   - window: an attempt at time t is in the window at now while
//     t > now-Window (an attempt exactly Window old has left it); refused
//     while MaxAttempts or more attempts are in the window.
//
// When both refuse, Reason names the one that ends later.
func (p RestartPolicy) Decide(history []RestartAttempt, force bool, now time.Time) RestartVerdict {
	if force {
		return RestartVerdict{Allowed: true, Reason: "forced", NextAllowed: now}
	}
	var next time.Time
	var reason string
	if p.Cooldown > 0 && len(history) > 0 {
		last := latest(history)
		if end := last.Add(p.Cooldown); now.Before(end) {
			next = end
			reason = fmt.Sprintf("cooldown: last restart %s ago, cooldown %s", short(now.Sub(last)), p.Cooldown)
		}
	}
	if p.MaxAttempts >= 1 && p.Window > 0 {
		in := inWindow(history, now, p.Window)
		if len(in) >= p.MaxAttempts {
			// The window allows a restart once len(in)-MaxAttempts+1 of the
			// attempts in it have left it; in is sorted oldest first.
			end := in[len(in)-p.MaxAttempts].Add(p.Window)
			if !end.Before(next) {
				next = end
				reason = fmt.Sprintf("%d restarts in the last %s (limit %d)", len(in), p.Window, p.MaxAttempts)
			}
		}
	}
	if next.IsZero() {
		return RestartVerdict{Allowed: true, NextAllowed: now}
	}
	return RestartVerdict{Reason: reason, NextAllowed: next}
}

// latest returns the time of the latest attempt; history is not empty.
func latest(history []RestartAttempt) time.Time {
	last := history[0].Time
	for _, a := range history[1:] {
		if a.Time.After(last) {
			last = a.Time
		}
	}
	return last
}

// inWindow returns the times t of the attempts with t > now-window, oldest
// first.
func inWindow(history []RestartAttempt, now time.Time, window time.Duration) []time.Time {
	from := now.Add(-window)
	var in []time.Time
	for _, a := range history {
		if a.Time.After(from) {
			in = append(in, a.Time)
		}
	}
	slices.SortFunc(in, func(a, b time.Time) int { return a.Compare(b) })
	return in
}

// short renders d for a message: whole seconds from one second up,
// milliseconds below, never negative.
func short(d time.Duration) time.Duration {
	switch {
	case d < 0:
		return 0
	case d >= time.Second:
		return d.Truncate(time.Second)
	default:
		return d.Truncate(time.Millisecond)
	}
}
