package policy

import (
	"math"
	"time"
)

// Limit adapts how many mutating Docker calls may be in flight at once,
// across every berth process of a daemon, to what the daemon absorbs: it
// grows while calls take about as long as they do on an idle daemon and
// shrinks as soon as they take longer or fail.
//
// The decision is the gradient of failsafe-go's adaptivelimiter (and TCP
// Vegas before it): the ratio of recent latency to the idle latency
// (the baseline). failsafe-go turns it into a queue estimate
// limit×(1−baseline/recent) judged against thresholds of 3 and 6, which
// at the limits berth works with (2 to 16) can never call for a decrease;
// so berth applies the gradient to the limit directly: above a ratio of
// [Limit.Slower] the limit is multiplied by baseline/recent (at most
// halved per window), below [Limit.Idle] it grows by one per window, and
// a call that fails because the daemon did not answer halves it at once.
//
// Latencies differ per kind of call (a create is not an inspect), so each
// kind has its own baseline and the ratio is taken per call. The baseline
// follows a faster call at once (halfway) and a slower one only slowly,
// so it tracks the idle daemon rather than the loaded one.
type Limit struct {
	Min, Max int
	Initial  int           // the limit before any evidence; clamped to [Min, Max]
	Window   time.Duration // at most one change per window
}

// Thresholds of the smoothed latency ratio.
const (
	limitIdleRatio   = 1.25 // below: the daemon absorbs more; grow
	limitSlowerRatio = 2.0  // above: the daemon is queueing; shrink
	limitRecentAlpha = 0.2  // weight of a new ratio in the smoothed one
	limitBaseRise    = 0.01 // how fast a baseline follows slower calls
)

// LimitState is the shared state of a [Limit].
type LimitState struct {
	Limit float64 `json:"limit"`
	// Ratio is the smoothed ratio of latency to baseline (1: idle).
	Ratio float64 `json:"ratio"`
	// Baseline is the idle latency per kind of call, in seconds.
	Baseline map[string]float64 `json:"baseline,omitempty"`
	// Changed is when the limit last changed.
	Changed time.Time `json:"changed,omitzero"`
}

// Current is the limit to apply in state s.
func (p Limit) Current(s LimitState) int {
	if s.Limit == 0 {
		return p.clamp(float64(p.Initial))
	}
	return p.clamp(s.Limit)
}

func (p Limit) clamp(v float64) int {
	lo, hi := max(p.Min, 1), max(p.Max, 1)
	lo = min(lo, hi)
	return min(max(int(math.Round(v)), lo), hi)
}

// Observe folds one finished call into s: its kind (op), how long the
// daemon took, and whether it failed for want of an answer (unavailable,
// past its deadline). The limit changes at most once per window; a failure
// halves it at once.
func (p Limit) Observe(s LimitState, op string, latency time.Duration, failed bool, now time.Time) LimitState {
	if s.Limit == 0 {
		s.Limit = float64(p.Current(s))
		s.Ratio = 1
	}
	if failed {
		s.Limit = float64(p.clamp(s.Limit / 2))
		s.Changed = now
		return s
	}
	secs := latency.Seconds()
	if secs <= 0 {
		return s
	}
	base := make(map[string]float64, len(s.Baseline)+1)
	for k, v := range s.Baseline {
		base[k] = v
	}
	b, known := base[op]
	switch {
	case !known:
		b = secs
	case secs < b:
		b = (b + secs) / 2
	default:
		b += limitBaseRise * (secs - b)
	}
	base[op] = b
	s.Baseline = base
	s.Ratio += limitRecentAlpha * (secs/b - s.Ratio)
	if !s.Changed.IsZero() && now.Sub(s.Changed) < p.Window {
		return s
	}
	switch {
	case s.Ratio > limitSlowerRatio:
		s.Limit = float64(p.clamp(s.Limit * max(1/s.Ratio, 0.5)))
		s.Changed = now
	case s.Ratio < limitIdleRatio:
		s.Limit = float64(p.clamp(s.Limit + 1))
		s.Changed = now
	}
	return s
}
