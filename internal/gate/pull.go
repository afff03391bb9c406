package gate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/lock"
)

// ImagePull passes the breaker and spends the rate budget like any
// mutating call, but holds no operation slot: pulls have slots of their
// own (BERTH_MAX_CONCURRENT_PULLS, shared by every berth process of the
// daemon), so a slow registry never starves creates and starts. A failure
// the registry may get over (it did not answer, it failed mid-pull) is
// retried with backoff.
//
// One pull per reference runs at a time across every berth process of the
// daemon. A caller that had to wait for another's pull of the same
// reference takes that pull's outcome (success or failure) instead of
// pulling again: ten runners needing one missing image cause one pull.
func (g *Gate) ImagePull(ctx context.Context, ref string, opts engine.PullOptions, progress func(engine.PullProgress)) error {
	dir, err := g.StateDir(ctx)
	if err != nil {
		return err
	}
	return pullOnce(ctx, lock.Dir{Path: dir}, ref, g.now, func() error {
		return run0(ctx, g, engine.OpImagePull, func(ctx context.Context) error {
			release, err := g.pullSlots.Acquire(ctx)
			if err != nil {
				return permanent(fmt.Errorf("wait for a pull slot: %w", err))
			}
			defer release()
			return g.inner.ImagePull(ctx, ref, opts, progress)
		})
	})
}

// lastPull is when berth last pulled ref successfully on this daemon;
// zero when it never did (or the record is unreadable).
func (g *Gate) lastPull(ctx context.Context, ref string) time.Time {
	dir, err := g.StateDir(ctx)
	if err != nil {
		return time.Time{}
	}
	out, ok := readOutcome(filepath.Join(dir, pullLockName(ref)+".json"))
	if !ok || out.Kind != "" {
		return time.Time{}
	}
	return out.At
}

// pullLockName names the lock (and outcome record) of ref's pulls.
func pullLockName(ref string) string {
	sum := sha256.Sum256([]byte(ref))
	return "pull-" + hex.EncodeToString(sum[:8])
}

// pullOnce runs pull under the reference's lock, unless a pull of ref
// finished after this caller asked (it waited for that one): then it
// returns that pull's outcome (see [once]).
func pullOnce(ctx context.Context, locks lock.Dir, ref string, now func() time.Time, pull func() error) error {
	return once(ctx, locks, pullLockName(ref), engine.OpImagePull, "pull of "+ref, now, nil, nil, pull)
}
