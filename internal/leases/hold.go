package leases

import (
	"context"
	"errors"
	"os"
)

// Pending is a lease lock on its way to being held: by this process (at
// once) or by a keeper process (once it says so).
type Pending interface {
	// Held waits until the lock is held and returns its name, for the
	// lease's record ([store.Holder].Lock).
	Held(ctx context.Context) (name string, err error)
	// Drop lets the lock go and removes its file: the acquisition failed,
	// or the lease was released. Calling it again is harmless.
	Drop()
}

// Take starts holding a new lease lock for holder pid: 0 (or this
// process's PID) holds it in this process; another process is followed by
// a keeper started with keeper (argv; see [StartKeeper]). It returns nil,
// and the lease is judged by the fallback, when no process follows the
// lease ([NoProcess]), when another process is to be followed but no
// keeper command is given, or when this platform has no kernel file locks.
func (b *Book) Take(pid int, keeper []string) (Pending, error) {
	if b.Locks == nil || pid == NoProcess {
		return nil, nil
	}
	return b.Locks.Take(pid, keeper)
}

// Take holds a new lock file for holder pid: in this process when pid is
// 0 or this process, else in a keeper process started with keeper.
func (k Locks) Take(pid int, keeper []string) (Pending, error) {
	if pid == 0 || pid == os.Getpid() {
		h, err := k.Create()
		if errors.Is(err, errNoLocks) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return h, nil
	}
	if len(keeper) == 0 {
		return nil, nil
	}
	return StartKeeper(keeper, k, pid)
}

// Held returns the lock's name: it is held already.
func (h *Held) Held(context.Context) (string, error) { return h.Name, nil }

// Drop releases the lock ([Held.Release]).
func (h *Held) Drop() { _ = h.Release() }
