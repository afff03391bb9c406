package gate

import (
	"context"
	"errors"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// maxPendingCalls bounds the calls kept between two [Gate.TakeCalls];
// further ones are dropped (and counted), so a long-lived process that
// never drains keeps a bounded buffer (about 0.5 MB).
const maxPendingCalls = 8192

// Call is one finished gated call, as it is persisted for `berth stats`.
type Call struct {
	Time time.Time // when it started
	Op   engine.Op
	// Duration runs to the daemon's last answer, including retries and
	// waits in the gate (not the gate's bookkeeping after the answer).
	Duration time.Duration
	// Queued is the part of Duration before the last attempt reached the
	// daemon: the breaker, the rate budget, an operation slot (mutating
	// calls) and any earlier attempts. That attempt was at the daemon from
	// Time+Queued to Time+Duration; the span starts after its slot was
	// taken and ends before it is released, so the spans of calls that
	// share one slot never overlap.
	Queued    time.Duration
	ErrorKind string // "" on success; see [ErrorKind]
	Retries   int
	Refused   bool // refused by the open circuit without calling the daemon
}

// ErrorKind names err's kind for the op log: "not_found", "conflict",
// "invalid", "unavailable", "transient", "auth", "canceled", "other"; "" for
// nil.
func ErrorKind(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, engine.ErrNotFound):
		return "not_found"
	case errors.Is(err, engine.ErrConflict):
		return "conflict"
	case errors.Is(err, engine.ErrInvalid):
		return "invalid"
	case errors.Is(err, engine.ErrUnavailable):
		return "unavailable"
	case errors.Is(err, engine.ErrTransient):
		return "transient"
	case errors.Is(err, engine.ErrAuth):
		return "auth"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "canceled"
	}
	return "other"
}

// TakeCalls returns the calls finished since the last TakeCalls, oldest
// first, and how many were dropped because the buffer was full. The
// caller persists them (berth writes them to the store when its Manager
// closes); nothing is written per call.
func (g *Gate) TakeCalls() (calls []Call, dropped int) {
	return g.stats.take()
}

// keepLocked appends one call; s.mu is held.
func (s *stats) keepLocked(c Call) {
	if len(s.pending) >= maxPendingCalls {
		s.dropped++
		return
	}
	s.pending = append(s.pending, c)
}

func (s *stats) take() ([]Call, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	calls, dropped := s.pending, s.dropped
	s.pending, s.dropped = nil, 0
	return calls, dropped
}
