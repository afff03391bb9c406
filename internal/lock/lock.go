// Package lock provides kernel-held cross-process locks on files in a
// directory (docs/design.md invariant 4): a process killed while holding one
// frees it at once, because the kernel drops the lock with the process.
//
// Locks live on separate ".lock" files, never on data files: on Windows a
// locked file cannot be read by other processes.
package lock

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"github.com/berth-dev/berth/internal/safefs"
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
	fl, err := d.flock(name)
	if err != nil {
		return nil, fmt.Errorf("acquire lock %s: %w", name, err)
	}
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
	fl, err := d.flock(name)
	if err != nil {
		return nil, false, fmt.Errorf("try lock %s: %w", name, err)
	}
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

// flock is the lock file of name, checked first (flock opens it itself)
// and opened without following a symbolic link, created 0600.
func (d Dir) flock(name string) (*flock.Flock, error) {
	path := d.file(name)
	if err := safefs.NotLink(path); err != nil {
		return nil, err
	}
	return flock.New(path, flock.SetFlag(os.O_CREATE|os.O_RDWR|safefs.NoFollow), flock.SetPermissions(0o600)), nil
}

// maxName bounds [SafeName]'s result in bytes, well below the usual limit
// of 255 for one file name, leaving room for suffixes (".lock", ".state",
// "-wal").
const maxName = 120

// SafeName maps any string to a file-name-safe one (letters, digits, '.',
// '-', '_'); other characters become '_'. A result longer than 120 bytes
// keeps its first 103 bytes and replaces the rest with '-' and 16 hex
// digits of the SHA-256 of s, so names derived from long project names
// (250 characters are valid) still fit in a file name and stay distinct.
func SafeName(s string) string {
	safe := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
	if len(safe) <= maxName {
		return safe
	}
	sum := sha256.Sum256([]byte(s))
	return safe[:maxName-17] + "-" + hex.EncodeToString(sum[:8])
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

// EnsureDir creates dir with mode 0700 if it does not exist, and refuses
// one that another user owns or others may write to ([safefs.EnsureDir]).
func EnsureDir(dir string) error {
	return safefs.EnsureDir(dir)
}

// EnvName is the name of environment envID's lock: held while the
// environment is acquired, restarted or torn down.
func EnvName(envID string) string { return "env-" + envID }
