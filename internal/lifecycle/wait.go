package lifecycle

import (
	"context"
	"errors"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// Poll intervals: short at first (a stop that succeeded is usually seen at
// once), growing so a long grace period costs few inspections.
const (
	pollFirst = 25 * time.Millisecond
	pollMax   = 500 * time.Millisecond
)

// poll calls check until it reports done, it fails, ctx ends or deadline
// passes; check always runs at least once and once more at the deadline.
// ok is false when the deadline passed without done.
func poll(ctx context.Context, deadline time.Time, check func() (done bool, err error)) (ok bool, err error) {
	delay := pollFirst
	for {
		done, err := check()
		if err != nil || done {
			return done, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return false, nil
		}
		t := time.NewTimer(min(delay, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return false, ctx.Err()
		case <-t.C:
		}
		delay = min(2*delay, pollMax)
	}
}

// waitNotRunning inspects container id until it is not running or deadline
// passes, and returns the last inspection. found is false when the
// container disappeared.
func waitNotRunning(ctx context.Context, e engine.Engine, id string, deadline time.Time) (c engine.Container, found bool, err error) {
	_, err = poll(ctx, deadline, func() (bool, error) {
		got, err := e.ContainerInspect(ctx, id)
		if errors.Is(err, engine.ErrNotFound) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		c, found = got, true
		return !isRunning(got.State), nil
	})
	return c, found, err
}
