package lock

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
)

// Slots is a cross-process counting semaphore: N lock files "slot-0" ..
// "slot-(N-1)" (or Name-0 ...); holding any one of them is holding a slot.
type Slots struct {
	Dir  Dir
	N    int
	Name string // the lock files' stem; "" is "slot"
}

// Acquire blocks until this process holds one slot, or ctx ends. It tries
// every slot without blocking, starting at a random one so waiters spread
// out, and pauses briefly between rounds.
func (s Slots) Acquire(ctx context.Context) (release func() error, err error) {
	if s.N < 1 {
		return nil, fmt.Errorf("acquire slot: need at least 1 slot, have %d", s.N)
	}
	start := rand.N(s.N)
	var rel func() error
	try := func() (bool, error) {
		for i := range s.N {
			r, ok, err := s.Dir.TryAcquire(fmt.Sprintf("%s-%d", cmp.Or(s.Name, "slot"), (start+i)%s.N))
			if err != nil {
				return false, err
			}
			if ok {
				rel = r
				return true, nil
			}
		}
		return false, nil
	}
	if err := waitFor(ctx, try); err != nil {
		return nil, fmt.Errorf("acquire slot: %w", err)
	}
	return rel, nil
}
