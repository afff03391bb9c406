package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// removeAttempts bounds how often removeStopped asks again after a racing
// remover failed.
const removeAttempts = 3

// removeStopped removes container c, which is not running, with its
// anonymous volumes and without force. removed is false when the
// container was gone already or another remover finished first; both
// count as done. When the daemon says a removal is already in progress,
// it waits up to wait for the container to disappear.
func removeStopped(ctx context.Context, e engine.Engine, c engine.Container, wait time.Duration) (removed bool, err error) {
	for attempt := 1; ; attempt++ {
		rmErr := e.ContainerRemove(ctx, c.ID, engine.RemoveOptions{Volumes: true})
		if rmErr == nil {
			return true, nil
		}
		if errors.Is(rmErr, engine.ErrNotFound) {
			return false, nil
		}
		if ctx.Err() != nil {
			return false, fmt.Errorf("remove container %s: %w", c.Name, rmErr)
		}
		// A racing remover ("removal already in progress") or a state
		// change: what the container looks like now decides.
		gone, now, err := waitRemoval(ctx, e, c.ID, time.Now().Add(wait))
		if err != nil {
			return false, fmt.Errorf("remove container %s: %w", c.Name, errors.Join(rmErr, err))
		}
		switch {
		case gone:
			return false, nil
		case isRunning(now.State):
			return false, fmt.Errorf("remove container %s: it is running again; not removed: %w", c.Name, rmErr)
		case attempt >= removeAttempts || !engine.Retryable(rmErr):
			return false, fmt.Errorf("remove container %s: %w", c.Name, rmErr)
		}
	}
}

// waitRemoval inspects container id until it is gone or no longer being
// removed by someone else, or deadline passes.
func waitRemoval(ctx context.Context, e engine.Engine, id string, deadline time.Time) (gone bool, c engine.Container, err error) {
	_, err = poll(ctx, deadline, func() (bool, error) {
		got, err := e.ContainerInspect(ctx, id)
		if errors.Is(err, engine.ErrNotFound) {
			gone = true
			return true, nil
		}
		if err != nil {
			return false, err
		}
		c = got
		return got.State.Status != "removing", nil
	})
	return gone, c, err
}
