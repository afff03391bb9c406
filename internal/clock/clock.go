// Package clock is the time source of berth's decisions (lease liveness,
// restart limits, gc ages, linger, the polls of acquire and admission).
// Production uses [Real]; unit tests use [Fake], so those decisions are
// tested without sleeping.
package clock

import "time"

// Clock tells the time and waits.
type Clock interface {
	Now() time.Time
	// After delivers the time on the returned channel once d has passed.
	After(d time.Duration) <-chan time.Time
}

// Real is the wall clock.
type Real struct{}

// Now is time.Now.
func (Real) Now() time.Time { return time.Now() }

// After is time.After.
func (Real) After(d time.Duration) <-chan time.Time { return time.After(d) }
