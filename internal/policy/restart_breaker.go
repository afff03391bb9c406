package policy

import (
	"fmt"
	"slices"
	"time"
)

// ServiceBreaker is the breaker of one service that keeps dying. Its whole
// state is derived from the service's deaths (exits nobody asked for:
// crashes, OOM kills) and the restarts that happened, so every berth
// process reading the same store reaches the same answer.
//
// The exact rule at now, with recent the deaths at t > now-Window and last
// the latest death:
//   - closed (restarts allowed) while fewer than MaxDeaths deaths are recent;
//   - open (refused) while MaxDeaths or more are recent and
//     now < last+OpenFor;
//   - half-open from last+OpenFor (inclusive): one probe restart is
//     allowed; the probe is spent by any restart (done, forced or engine)
//     at or after last+OpenFor. If the probe's service dies again, that
//     death is the new last and the breaker is open again for OpenFor.
//     While the probe is spent and no new death comes, restarts are refused
//     until enough deaths have left the window to close the breaker.
type ServiceBreaker struct {
	MaxDeaths int           // deaths in Window that open it; < 1 disables the breaker
	Window    time.Duration // <= 0 disables the breaker
	OpenFor   time.Duration // how long it stays open after the last death
}

// ServiceBreaker returns the breaker that goes with p: MaxAttempts deaths
// in Window open it, for BreakerOpenFor after the last death.
func (p RestartPolicy) ServiceBreaker() ServiceBreaker {
	return ServiceBreaker{MaxDeaths: p.MaxAttempts, Window: p.Window, OpenFor: p.BreakerOpenFor}
}

// ServiceState is a [ServiceBreaker]'s state at one moment.
type ServiceState string

// Service breaker states.
const (
	ServiceClosed   ServiceState = "closed"
	ServiceOpen     ServiceState = "open"      // includes "half-open with the probe spent"
	ServiceHalfOpen ServiceState = "half-open" // one probe restart allowed
)

// ServiceVerdict is a [ServiceBreaker]'s answer: its state, and whether a
// restart may happen now (NextAllowed exact, as in [RestartPolicy.Decide]).
type ServiceVerdict struct {
	State ServiceState
	RestartVerdict
}

// Decide applies the breaker's rule (see [ServiceBreaker]) at now to the
// service's deaths and restarts (any order). force allows the restart
// whatever the state, with Reason "forced"; State still reports the state.
func (b ServiceBreaker) Decide(deaths []time.Time, restarts []RestartAttempt, force bool, now time.Time) ServiceVerdict {
	v := b.decide(deaths, restarts, now)
	if force {
		v.RestartVerdict = RestartVerdict{Allowed: true, Reason: "forced", NextAllowed: now}
	}
	return v
}

func (b ServiceBreaker) decide(deaths []time.Time, restarts []RestartAttempt, now time.Time) ServiceVerdict {
	closed := ServiceVerdict{State: ServiceClosed, RestartVerdict: RestartVerdict{Allowed: true, NextAllowed: now}}
	if b.MaxDeaths < 1 || b.Window <= 0 {
		return closed
	}
	from := now.Add(-b.Window)
	var recent []time.Time
	for _, d := range deaths {
		if d.After(from) {
			recent = append(recent, d)
		}
	}
	if len(recent) < b.MaxDeaths {
		return closed
	}
	slices.SortFunc(recent, func(x, y time.Time) int { return x.Compare(y) })
	last := recent[len(recent)-1]
	probeAt := last.Add(b.OpenFor)
	died := fmt.Sprintf("died %d times in the last %s (limit %d)", len(recent), b.Window, b.MaxDeaths)
	if now.Before(probeAt) {
		return ServiceVerdict{State: ServiceOpen, RestartVerdict: RestartVerdict{
			Reason:      fmt.Sprintf("breaker open: %s; last death %s ago, open for %s", died, short(now.Sub(last)), b.OpenFor),
			NextAllowed: probeAt,
		}}
	}
	for _, r := range restarts {
		if !r.Time.Before(probeAt) {
			// The breaker closes once len(recent)-MaxDeaths+1 deaths have
			// left the window.
			return ServiceVerdict{State: ServiceOpen, RestartVerdict: RestartVerdict{
				Reason:      fmt.Sprintf("breaker open: %s; the probe restart was made %s ago", died, short(now.Sub(r.Time))),
				NextAllowed: recent[len(recent)-b.MaxDeaths].Add(b.Window),
			}}
		}
	}
	return ServiceVerdict{State: ServiceHalfOpen, RestartVerdict: RestartVerdict{
		Allowed: true, Reason: "probe: " + died, NextAllowed: now,
	}}
}
