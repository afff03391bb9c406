package clock

import (
	"sync"
	"time"
)

// Fake is a [Clock] for tests. Time stands still until [Fake.Advance]
// moves it, or until a caller waits: [Fake.After] moves the time forward
// by the wait at once and delivers at once, so a loop that polls every
// 500 ms runs through a two-minute timeout instantly, and every decision
// it takes sees the time it would have seen. [Fake.At] runs a function
// when the time reaches a moment, to change the world in the middle of
// such a wait. Safe for concurrent use.
type Fake struct {
	mu    sync.Mutex
	now   time.Time
	hooks []*hook
}

type hook struct {
	at time.Time
	fn func()
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
	f.move(d)
}

// After advances the time by d (when positive) and delivers the new time.
func (f *Fake) After(d time.Duration) <-chan time.Time {
	c := make(chan time.Time, 1)
	c <- f.move(d)
	return c
}

// At runs fn once, in the goroutine that moves the time, when the fake
// time first reaches t (at once if it already has). cancel drops it if it
// has not run.
func (f *Fake) At(t time.Time, fn func()) (cancel func()) {
	h := &hook{at: t, fn: fn}
	f.mu.Lock()
	f.hooks = append(f.hooks, h)
	f.mu.Unlock()
	f.move(0)
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.drop(h)
	}
}

// move advances the time by d (when positive), then runs the hooks that
// became due, outside the lock, and returns the new time.
func (f *Fake) move(d time.Duration) time.Time {
	f.mu.Lock()
	if d > 0 {
		f.now = f.now.Add(d)
	}
	now := f.now
	var due []*hook
	for _, h := range f.hooks {
		if !now.Before(h.at) {
			due = append(due, h)
		}
	}
	for _, h := range due {
		f.drop(h)
	}
	f.mu.Unlock()
	for _, h := range due {
		h.fn()
	}
	return now
}

// drop removes h from the hooks; f.mu is held.
func (f *Fake) drop(h *hook) {
	for i, x := range f.hooks {
		if x == h {
			f.hooks = append(f.hooks[:i], f.hooks[i+1:]...)
			return
		}
	}
}
