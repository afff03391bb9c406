package policy

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func times(ds ...time.Duration) []time.Time {
	out := make([]time.Time, len(ds))
	for i, d := range ds {
		out[i] = at(d)
	}
	return out
}

func TestServiceBreakerFromPolicy(t *testing.T) {
	assert.Equal(t, ServiceBreaker{MaxDeaths: 3, Window: 5 * time.Minute, OpenFor: 30 * time.Second},
		DefaultRestartPolicy().ServiceBreaker())
}

func TestServiceBreakerDecide(t *testing.T) {
	const s, m = time.Second, time.Minute
	b := DefaultRestartPolicy().ServiceBreaker()
	died3 := "died 3 times in the last 5m0s (limit 3)"
	cases := []struct {
		name     string
		b        ServiceBreaker
		deaths   []time.Time
		restarts []RestartAttempt
		force    bool
		now      time.Duration
		state    ServiceState
		allowed  bool
		next     time.Duration
		reason   string
	}{
		{name: "no deaths", b: b, now: 0, state: ServiceClosed, allowed: true, next: 0},
		{name: "fewer deaths than the limit", b: b, deaths: times(0, 10*s), now: 11 * s, state: ServiceClosed, allowed: true, next: 11 * s},
		{name: "opens at the limit", b: b, deaths: times(0, 10*s, 20*s), now: 21 * s, state: ServiceOpen, next: 50 * s,
			reason: "breaker open: " + died3 + "; last death 1s ago, open for 30s"},
		{name: "one ns before the cooldown ends", b: b, deaths: times(0, 10*s, 20*s), now: 50*s - 1, state: ServiceOpen, next: 50 * s,
			reason: "breaker open: " + died3 + "; last death 29s ago, open for 30s"},
		{name: "engine restarts before the cooldown end are no probe", b: b, deaths: times(0, 10*s, 20*s),
			restarts: []RestartAttempt{{Time: at(20*s + 100*time.Millisecond), Engine: true}},
			now:      50 * s, state: ServiceHalfOpen, allowed: true, next: 50 * s, reason: "probe: " + died3},
		{name: "exactly at the cooldown end: one probe", b: b, deaths: times(0, 10*s, 20*s), now: 50 * s,
			state: ServiceHalfOpen, allowed: true, next: 50 * s, reason: "probe: " + died3},
		{name: "probe spent exactly at the cooldown end", b: b, deaths: times(0, 10*s, 20*s),
			restarts: attempts(50 * s), now: 60 * s, state: ServiceOpen, next: 5 * m,
			reason: "breaker open: " + died3 + "; the probe restart was made 10s ago"},
		{name: "probe spent: closes exactly when a death leaves the window", b: b, deaths: times(0, 10*s, 20*s),
			restarts: attempts(50 * s), now: 5 * m, state: ServiceClosed, allowed: true, next: 5 * m},
		{name: "death after the probe reopens it", b: b, deaths: times(0, 10*s, 20*s, 55*s),
			restarts: attempts(50 * s), now: 60 * s, state: ServiceOpen, next: 85 * s,
			reason: "breaker open: died 4 times in the last 5m0s (limit 3); last death 5s ago, open for 30s"},
		{name: "deaths spread wider than the window stay closed", b: b, deaths: times(0, 3*m, 5*m), now: 5*m + s,
			state: ServiceClosed, allowed: true, next: 5*m + s},
		{name: "death exactly a window old no longer counts", b: b, deaths: times(0, 10*s, 20*s), now: 5 * m,
			state: ServiceClosed, allowed: true, next: 5 * m},
		{name: "force overrides an open breaker", b: b, deaths: times(0, 10*s, 20*s), force: true, now: 21 * s,
			state: ServiceOpen, allowed: true, next: 21 * s, reason: "forced"},
		{name: "disabled", b: ServiceBreaker{}, deaths: times(0, 0, 0, 0), now: s, state: ServiceClosed, allowed: true, next: s},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := c.b.Decide(c.deaths, c.restarts, c.force, at(c.now))
			want := ServiceVerdict{State: c.state, RestartVerdict: RestartVerdict{Allowed: c.allowed, Reason: c.reason, NextAllowed: at(c.next)}}
			assert.Equal(t, want, v)
		})
	}
}
