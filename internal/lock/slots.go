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
}

// Acquire blocks until this process holds one slot, or ctx ends. Waiters
// are served first come, first served across processes (see [line]): when
// nobody waits, a free slot is taken at once; otherwise the caller joins
// the line and only its head tries for a slot, polling every slot without
// blocking with a pause of at most 10 ms.
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
	t, err := l.join(ctx)
	if err != nil {
		return nil, fmt.Errorf("acquire slot: %w", err)
	}
	defer t.leave()
	for {
		ahead, err := l.ahead(t)
		if err != nil {
			return nil, fmt.Errorf("acquire slot: %w", err)
		}
		if ahead == "" {
			break
		}
		if err := waitBehind(ctx, ahead); err != nil {
			return nil, fmt.Errorf("acquire slot: %w", err)
		}
	}
	var rel func() error
	try := func() (ok bool, err error) {
		rel, ok, err = s.tryAny()
		return ok, err
	}
	if err := waitForCap(ctx, try, 10*time.Millisecond); err != nil {
		return nil, fmt.Errorf("acquire slot: %w", err)
	}
	return rel, nil
}

// tryAny takes any free slot without blocking, starting at a random one so
// concurrent takers spread out.
func (s Slots) tryAny() (release func() error, ok bool, err error) {
	start := rand.N(s.N)
	for i := range s.N {
		r, ok, err := s.Dir.TryAcquire(fmt.Sprintf("%s-%d", s.stem(), (start+i)%s.N))
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
