package lock

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"time"
)

// Slots is a cross-process counting semaphore: N lock files "slot-0" ..
// "slot-(N-1)" (or Name-0 ...); holding any one of them is holding a slot.
type Slots struct {
	Dir  Dir
	N    int
	Name string // the lock files' stem; "" is "slot"
	// Limit, when set, is how many of the N slots may be taken now (an
	// adaptive limit, read at every try); slots above it stay unused.
	Limit func() int
}

// Acquire blocks until this process holds one slot, or ctx ends. Waiters
// are served first come, first served across processes, by their
// operations' arrival ([WithArrival]) and then their own (see [line]):
// when nobody waits, a free slot is taken at once; otherwise the caller
// joins the line and only its head tries for a slot, polling every slot
// without blocking with a pause of at most 10 ms.
func (s Slots) Acquire(ctx context.Context) (release func() error, err error) {
	if s.N < 1 {
		return nil, fmt.Errorf("acquire slot: need at least 1 slot, have %d", s.N)
	}
	l := s.line()
	if l.empty() {
		rel, ok, err := s.tryAny()
		if err != nil || ok {
			return rel, err
		}
	}
	t, err := l.join(ctx, ArrivalKey(Arrival(ctx)))
	if err != nil {
		return nil, fmt.Errorf("acquire slot: %w", err)
	}
	defer t.leave()
	for {
		if err := l.waitTurn(ctx, t); err != nil {
			return nil, fmt.Errorf("acquire slot: %w", err)
		}
		// At the head: try for a slot until one is free or a waiter of an
		// earlier arrival joins ahead (then wait behind it again).
		var rel func() error
		passed := false
		try := func() (ok bool, err error) {
			if ahead, err := l.ahead(t); err != nil || ahead != "" {
				passed = ahead != ""
				return passed, err
			}
			rel, ok, err = s.tryAny()
			return ok, err
		}
		if err := waitForCap(ctx, try, 10*time.Millisecond); err != nil {
			return nil, fmt.Errorf("acquire slot: %w", err)
		}
		if !passed {
			return rel, nil
		}
	}
}

// AcquireOutOfLine blocks until this process holds one of the N slots,
// whatever the adaptive limit, or ctx ends, without joining the line: it
// polls every slot without blocking, pausing at most 10 ms. It is for a
// call that gives the daemon's resources back (a container stop), which
// must not queue behind the creates it makes room for; the N slots still
// bound it with every other holder.
func (s Slots) AcquireOutOfLine(ctx context.Context) (release func() error, err error) {
	if s.N < 1 {
		return nil, fmt.Errorf("acquire slot: need at least 1 slot, have %d", s.N)
	}
	all := s
	all.Limit = nil
	try := func() (ok bool, err error) {
		release, ok, err = all.tryAny()
		return ok, err
	}
	if err := waitForCap(ctx, try, 10*time.Millisecond); err != nil {
		return nil, fmt.Errorf("acquire slot: %w", err)
	}
	return release, nil
}

// Waiting counts the live waiters in the line.
func (s Slots) Waiting(context.Context) (int, error) { return s.line().waiting() }

// tryAny takes any free slot without blocking, starting at a random one so
// concurrent takers spread out.
func (s Slots) tryAny() (release func() error, ok bool, err error) {
	n := s.N
	if s.Limit != nil {
		n = min(n, max(s.Limit(), 1))
	}
	start := rand.N(n)
	for i := range n {
		r, ok, err := s.Dir.TryAcquire(fmt.Sprintf("%s-%d", s.stem(), (start+i)%n))
		if err != nil || ok {
			return r, ok, err
		}
	}
	return nil, false, nil
}

func (s Slots) stem() string { return cmp.Or(s.Name, "slot") }

// line is the queue in front of these slots.
func (s Slots) line() line {
	return line{dir: Dir{Path: filepath.Join(s.Dir.Path, s.stem()+"-line")}, stem: s.stem()}
}
