package gate

import (
	"context"
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

// outcome is the record of the last finished run of one piece of work
// every berth process of the daemon shares: the pull of one reference,
// the build of one image.
type outcome struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind,omitempty"` // ErrorKind of the failure; "" on success
	Msg  string    `json:"msg,omitempty"`
}

// once runs work under lock name (a kernel lock in locks, shared by
// every berth process of the daemon), so one run of it happens at a time,
// and spares the callers that waited:
//
//   - when a run finished after this caller asked (it waited for that
//     one), it returns that run's outcome, success or failure, with the
//     failure's kind, instead of running again;
//   - otherwise, when done is not nil and reports true under the lock, the
//     work is already there (finished before this caller asked, after it
//     looked): it returns nil;
//   - otherwise it runs work and records the outcome for the others
//     ("<name>.json" beside the lock), unless the caller's context ended:
//     a run cut short by its caller says nothing about the work.
//
// what names the work in messages ("pull of app:1"); op is its operation.
// waiting, when not nil, is called once when the lock is held by another
// caller, before this one waits for it.
func once(ctx context.Context, locks lock.Dir, name string, op engine.Op, what string, now func() time.Time,
	done func(context.Context) bool, waiting func(), work func() error) error {
	asked := now()
	release, held, err := locks.TryAcquire(name)
	if err == nil && !held {
		if waiting != nil {
			waiting()
		}
		release, err = locks.Acquire(ctx, name)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer release()
	file := filepath.Join(locks.Path, name+".json")
	if out, ok := readOutcome(file); ok && !out.At.Before(asked) {
		return out.err(op, what)
	}
	if done != nil && done(ctx) {
		return nil
	}
	err = work()
	if ctx.Err() == nil {
		out := outcome{At: now()}
		if err != nil {
			out.Kind, out.Msg = ErrorKind(err), err.Error()
		}
		writeOutcome(file, out)
	}
	return err
}

func readOutcome(file string) (outcome, bool) {
	var out outcome
	data, err := safefs.ReadFile(file)
	if err != nil || json.Unmarshal(data, &out) != nil {
		return out, false
	}
	return out, true
}

// writeOutcome replaces the record atomically; a record that cannot be
// written only costs another caller a run of its own.
func writeOutcome(file string, out outcome) {
	data, err := json.Marshal(out)
	if err != nil {
		return
	}
	tmp := file + ".tmp"
	if safefs.WriteFile(tmp, data, 0o600) == nil { // rename replaces a link at file, never follows it
		_ = os.Rename(tmp, file)
	}
}

// err is the outcome as this caller's result: nil, or the other run's
// error with its kind.
func (o outcome) err(op engine.Op, what string) error {
	if o.Kind == "" {
		return nil
	}
	return engine.Wrap(op, kindOf(o.Kind),
		fmt.Errorf("%s (the outcome of another berth process's %s, which this one waited for)", o.Msg, what))
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
