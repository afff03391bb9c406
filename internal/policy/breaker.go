package policy

import "time"

// BreakerState is the persisted state of a circuit breaker. The zero value
// is a closed breaker with no failures.
type BreakerState struct {
	// Failures counts consecutive daemon-unavailable outcomes.
	Failures int `json:"failures"`
	// OpenUntil is when an open breaker lets a probe through; zero when closed.
	OpenUntil time.Time `json:"open_until,omitzero"`
	// ProbeUntil is set while one caller probes a half-open breaker; other
	// callers are refused until the probe reports or this time passes.
	ProbeUntil time.Time `json:"probe_until,omitzero"`
	// Openings counts how often the breaker has opened (for stats).
	Openings int `json:"openings"`
}

// Breaker holds the breaker's settings.
type Breaker struct {
	Threshold    int           // consecutive failures that open it
	OpenFor      time.Duration // how long it stays open before a probe
	ProbeTimeout time.Duration // how long one probe may take
}

// Verdict is the breaker's answer to "may I call the daemon now?".
type Verdict int

const (
	// Allow: the breaker is closed; go ahead.
	Allow Verdict = iota
	// Probe: the breaker was open and its time is up; this caller must probe
	// the daemon (with a ping) and report the outcome.
	Probe
	// Refuse: the breaker is open (or another caller is probing); fail fast.
	Refuse
)

// Decide answers whether a call may go ahead at now. It returns the new
// state (changed when this caller becomes the prober, or when a stored time
// was bounded, see below) and, for Refuse, the time when a call may next be
// tried.
//
// The persisted times are bounded from now: an open-until more than OpenFor
// ahead (a probe-until more than ProbeTimeout ahead) comes from a clock that
// stepped back, or from a longer setting of another process, and is
// brought back to now+OpenFor (now+ProbeTimeout). The returned state
// carries the bound, so a caller that persists it refuses for at most
// OpenFor after the step, never for the size of the step.
func (b Breaker) Decide(s BreakerState, now time.Time) (BreakerState, Verdict, time.Time) {
	if s.OpenUntil.IsZero() {
		return s, Allow, time.Time{}
	}
	if limit := now.Add(b.OpenFor); s.OpenUntil.After(limit) {
		s.OpenUntil = limit
	}
	if limit := now.Add(b.ProbeTimeout); s.ProbeUntil.After(limit) {
		s.ProbeUntil = limit
	}
	if now.Before(s.OpenUntil) {
		return s, Refuse, s.OpenUntil
	}
	if now.Before(s.ProbeUntil) {
		return s, Refuse, s.ProbeUntil
	}
	s.ProbeUntil = now.Add(b.ProbeTimeout)
	return s, Probe, time.Time{}
}

// Record folds one outcome into the state: unavailable is true when the
// call failed because the daemon could not be reached. Any other outcome
// (success or an ordinary error) proves the daemon answers and closes the
// breaker.
func (b Breaker) Record(s BreakerState, unavailable bool, now time.Time) BreakerState {
	if !unavailable {
		return BreakerState{Openings: s.Openings}
	}
	s.Failures++
	s.ProbeUntil = time.Time{}
	halfOpen := !s.OpenUntil.IsZero() && !now.Before(s.OpenUntil)
	if halfOpen || (s.OpenUntil.IsZero() && s.Failures >= b.Threshold) {
		s.OpenUntil = now.Add(b.OpenFor)
		s.Openings++
	}
	return s
}

// Trip opens the breaker at once, without waiting for Threshold failures:
// a watcher (berth serve) that saw the daemon not answer its ping says so
// for every process. An open breaker stays open, its time moved to
// now+OpenFor so it does not half-open while the watcher still sees the
// daemon down; a prober's mark is dropped. Openings counts only a
// breaker that was closed.
func (b Breaker) Trip(s BreakerState, now time.Time) BreakerState {
	if s.OpenUntil.IsZero() {
		s.Openings++
	}
	s.Failures++
	s.OpenUntil, s.ProbeUntil = now.Add(b.OpenFor), time.Time{}
	return s
}

// Open reports whether s refuses calls at now (open, or half-open with a
// probe under way); a breaker whose open time has passed and nobody probes
// lets the next call through as a probe and reads as closed.
func (s BreakerState) Open(now time.Time) bool {
	return now.Before(s.OpenUntil) || now.Before(s.ProbeUntil)
}
