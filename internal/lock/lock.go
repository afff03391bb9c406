// Package lock provides kernel-held cross-process locks on files in a
// directory (docs/design.md invariant 4): a process killed while holding one
// frees it at once, because the kernel drops the lock with the process.
//
// Locks live on separate ".lock" files, never on data files: on Windows a
// locked file cannot be read by other processes.
package lock

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// Dir hands out named locks backed by files in Path.
type Dir struct {
	Path string
}

// Acquire blocks until it holds the lock called name, or ctx ends.
// release frees it; calling release more than once is harmless.
func (d Dir) Acquire(ctx context.Context, name string) (release func() error, err error) {
	if err := EnsureDir(d.Path); err != nil { // it may have been deleted under us
		return nil, fmt.Errorf("acquire lock %s: %w", name, err)
	}
	fl := flock.New(d.file(name))
	if err := waitFor(ctx, fl.TryLock); err != nil {
		return nil, fmt.Errorf("acquire lock %s: %w", name, err)
	}
	return fl.Unlock, nil
}

// TryAcquire takes the lock called name if it is free; ok is false when
// another holder has it.
func (d Dir) TryAcquire(name string) (release func() error, ok bool, err error) {
	if err := EnsureDir(d.Path); err != nil {
		return nil, false, fmt.Errorf("try lock %s: %w", name, err)
	}
	fl := flock.New(d.file(name))
	ok, err = fl.TryLock()
	if err != nil {
		return nil, false, fmt.Errorf("try lock %s: %w", name, err)
	}
	if !ok {
		return nil, false, nil
	}
	return fl.Unlock, true, nil
}

func (d Dir) file(name string) string {
	return filepath.Join(d.Path, SafeName(name)+".lock")
}

// SafeName maps any string to a file-name-safe one (letters, digits, '.',
// '-', '_'); other characters become '_'.
func SafeName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}

// waitFor polls try until it succeeds, fails, or ctx ends. The pause grows
// from 1 ms to 50 ms with jitter, so waiters in many processes do not poll
// in lockstep. Polling is needed because flock has no cancellable wait.
func waitFor(ctx context.Context, try func() (bool, error)) error {
	return waitForCap(ctx, try, 50*time.Millisecond)
}

// waitForCap is waitFor with the pause growing to at most maxPause.
func waitForCap(ctx context.Context, try func() (bool, error), maxPause time.Duration) error {
	pause := time.Millisecond
	for {
		ok, err := try()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		t := time.NewTimer(pause/2 + rand.N(pause))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		pause = min(pause*2, maxPause)
	}
}

// EnsureDir creates dir with mode 0700 if it does not exist.
func EnsureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create state directory: %w", err)
	}
	return nil
}

// EnvName is the name of environment envID's lock: held while the
// environment is acquired, restarted or torn down.
func EnvName(envID string) string { return "env-" + envID }
