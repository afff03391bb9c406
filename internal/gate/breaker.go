package gate

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/policy"
)

// CircuitOpenError is returned without calling the daemon while the shared
// circuit breaker is open. It wraps engine.ErrUnavailable.
type CircuitOpenError struct {
	Endpoint string    // the daemon
	Until    time.Time // when a call will next be tried
	Now      time.Time
}

func (e *CircuitOpenError) Error() string {
	return fmt.Sprintf("docker daemon at %s is unavailable: circuit open after repeated failures to reach it, "+
		"not calling it again until %s (in %s); start Docker or check DOCKER_HOST",
		e.Endpoint, e.Until.Local().Format("15:04:05"), e.Until.Sub(e.Now).Round(time.Second))
}

func (e *CircuitOpenError) Unwrap() error { return engine.ErrUnavailable }

// sharedBreaker is policy.Breaker with its state in a shared file.
type sharedBreaker struct {
	policy policy.Breaker
	file   State
}

func decodeBreaker(b []byte) policy.BreakerState {
	var s policy.BreakerState
	_ = json.Unmarshal(b, &s) // a torn or missing file reads as a closed breaker
	return s
}

func encodeBreaker(s policy.BreakerState) []byte {
	b, _ := json.Marshal(s)
	return b
}

// decide asks whether a call may go ahead now.
func (b *sharedBreaker) decide(ctx context.Context, now time.Time) (v policy.Verdict, until time.Time, err error) {
	err = b.file.Update(ctx, func(old []byte) []byte {
		prev := decodeBreaker(old)
		var s policy.BreakerState
		s, v, until = b.policy.Decide(prev, now)
		if v != policy.Probe && s == prev {
			return old
		}
		// The prober's mark, or a time bounded after the clock stepped
		// back: persisted, so the bound does not move on with the clock.
		return encodeBreaker(s)
	})
	return v, until, err
}

// record folds one call's outcome into the shared state.
func (b *sharedBreaker) record(ctx context.Context, unavailable bool, now time.Time) error {
	return b.file.Update(ctx, func(old []byte) []byte {
		s := decodeBreaker(old)
		next := b.policy.Record(s, unavailable, now)
		if next == s {
			return old
		}
		return encodeBreaker(next)
	})
}

// state reads the shared state (for doctor and stats).
func (b *sharedBreaker) state(ctx context.Context) (s policy.BreakerState, err error) {
	err = b.file.Update(ctx, func(old []byte) []byte {
		s = decodeBreaker(old)
		return old
	})
	return s, err
}
