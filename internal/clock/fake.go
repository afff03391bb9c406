package clock

import (
	"sync"
	"time"
)

// Fake is a [Clock] for tests. Time stands still until [Fake.Advance]
// moves it, or until a caller waits: [Fake.After] moves the time forward
// by the wait at once and delivers at once, so a loop that polls every
// 500 ms runs through a two-minute timeout instantly, and every decision
// it takes sees the time it would have seen. Safe for concurrent use.
type Fake struct {
	mu  sync.Mutex
	now time.Time
}

// NewFake returns a fake clock set to t.
func NewFake(t time.Time) *Fake { return &Fake{now: t} }

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Advance moves the time forward by d.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// After advances the time by d (when positive) and delivers the new time.
func (f *Fake) After(d time.Duration) <-chan time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d > 0 {
		f.now = f.now.Add(d)
	}
	c := make(chan time.Time, 1)
	c <- f.now
	return c
}
