package gate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/safefs"
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

// pullOutcome is the record of the last finished pull of one reference.
type pullOutcome struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind,omitempty"` // ErrorKind of the failure; "" on success
	Msg  string    `json:"msg,omitempty"`
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
// returns that pull's outcome. A pull cut short by its caller's context
// leaves no outcome for others.
func pullOnce(ctx context.Context, locks lock.Dir, ref string, now func() time.Time, pull func() error) error {
	asked := now()
	name := pullLockName(ref)
	release, err := locks.Acquire(ctx, name)
	if err != nil {
		return fmt.Errorf("pull %s: %w", ref, err)
	}
	defer release()
	file := filepath.Join(locks.Path, name+".json")
	if out, ok := readOutcome(file); ok && !out.At.Before(asked) {
		return out.err(ref)
	}
	err = pull()
	if ctx.Err() == nil {
		out := pullOutcome{At: now()}
		if err != nil {
			out.Kind, out.Msg = ErrorKind(err), err.Error()
		}
		writeOutcome(file, out)
	}
	return err
}

func readOutcome(file string) (pullOutcome, bool) {
	var out pullOutcome
	data, err := safefs.ReadFile(file)
	if err != nil || json.Unmarshal(data, &out) != nil {
		return out, false
	}
	return out, true
}

// writeOutcome replaces the record atomically; a record that cannot be
// written only costs another caller a pull of its own.
func writeOutcome(file string, out pullOutcome) {
	data, err := json.Marshal(out)
	if err != nil {
		return
	}
	tmp := file + ".tmp"
	if safefs.WriteFile(tmp, data, 0o600) == nil { // rename replaces a link at file, never follows it
		_ = os.Rename(tmp, file)
	}
}

// err is the outcome as this caller's result: nil, or the other pull's
// error with its kind.
func (o pullOutcome) err(ref string) error {
	if o.Kind == "" {
		return nil
	}
	return engine.Wrap(engine.OpImagePull, kindOf(o.Kind),
		fmt.Errorf("%s (the outcome of another berth process's pull of %s, which this one waited for)", o.Msg, ref))
}

// kindOf maps an [ErrorKind] back to its sentinel.
func kindOf(kind string) error {
	for _, k := range []error{engine.ErrNotFound, engine.ErrConflict, engine.ErrInvalid, engine.ErrUnavailable,
		engine.ErrTransient, engine.ErrAuth} {
		if ErrorKind(k) == kind {
			return k
		}
	}
	return errors.New(kind)
}
