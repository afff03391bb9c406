package sqlite

import (
	"context"
	"fmt"
	"os"

	"github.com/berth-dev/berth/internal/safefs"
)

// writeLock queues the write transactions of every berth process on a
// kernel lock (flock; LockFileEx on Windows) on the file <db>.lock, taken
// before BEGIN IMMEDIATE. A writer waiting in the kernel is woken as soon
// as the lock is free, whereas SQLite's busy handler polls with sleeps of
// up to 100 ms and, measured with 8 processes writing at once, let single
// transactions wait for seconds while others kept taking the lock. The
// kernel drops the lock with its process, so a crash frees it at once.
// SQLite's own locking still guards the data; busy_timeout still covers
// writers that do not take this lock (another tool, an older berth).
type writeLock struct {
	path string
}

// acquire waits for the lock until ctx ends and returns its release.
func (w writeLock) acquire(ctx context.Context) (release func(), err error) {
	f, err := safefs.OpenFile(w.path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open write lock: %w", err)
	}
	unlock := func() {
		_ = unlockFile(f)
		_ = f.Close()
	}
	ok, err := tryLockFile(f)
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("take write lock: %w", err)
	}
	if ok {
		return unlock, nil
	}
	// The kernel's wait cannot be cancelled, so it runs in a goroutine;
	// if ctx ends first, that goroutine frees the lock once it gets it.
	got := make(chan error, 1)
	go func() { got <- lockFile(f) }()
	select {
	case err := <-got:
		if err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("take write lock: %w", err)
		}
		return unlock, nil
	case <-ctx.Done():
		go func() {
			if <-got == nil {
				_ = unlockFile(f)
			}
			_ = f.Close()
		}()
		return nil, fmt.Errorf("take write lock: %w", ctx.Err())
	}
}
