package leases

import (
	"fmt"
	"io"
	"time"

	"github.com/berth-dev/berth/internal/proc"
)

// releaseCheck is how often a keeper looks whether its lease was released
// (its lock file removed) while it waits on its holder.
const releaseCheck = time.Second

// Keep is the keeper process's work: create the lock file path and hold
// it exclusively while process pid (with start time start, as the caller
// saw it) lives. It writes "held" and a newline to ready once it holds the
// lock (or one line saying why not) and closes ready. It returns when the
// holder exits, watched the way the OS offers (pidfd on Linux, kqueue on
// macOS, a process handle on Windows, polling elsewhere), or when the
// lease is released (its file removed: berth down, gc's reaping); then it
// removes its file, and the kernel drops the lock as it exits.
//
// lockFD >= 0 is a descriptor on which the keeper inherited the lock on
// path, held already ([StartKeeper] on unix); -1 creates it.
func Keep(path string, lockFD int, pid int, start uint64, ready io.WriteCloser) error {
	return KeepHeld(func() (func() bool, func(), error) {
		fd, err := takeOrAdopt(path, lockFD)
		if err != nil {
			return nil, nil, fmt.Errorf("take lease lock %s: %w", path, err)
		}
		drop := func() {
			_ = removeIfSame(path, fd)
			_ = fd.close()
		}
		return func() bool { return fd.sameFile(path) }, drop, nil
	}, pid, start, ready)
}

// KeepHeld is [Keep] for any kind of lock: hold takes the lock and returns
// wanted, which reports false once the lease was released, and drop,
// which lets the lock go.
func KeepHeld(hold func() (wanted func() bool, drop func(), err error), pid int, start uint64, ready io.WriteCloser) error {
	fail := func(err error) error {
		fmt.Fprintf(ready, "%v\n", err)
		_ = ready.Close()
		return err
	}
	wanted, drop, err := hold()
	if err != nil {
		return fail(err)
	}
	defer drop()
	w, err := watchProcess(pid)
	if err != nil {
		return fail(fmt.Errorf("follow holder process %d: %w", pid, err))
	}
	defer w.close()
	// The watch is open: a PID reused before it was taken would now show
	// another start time.
	if got, err := proc.StartTime(pid); err != nil || got != start {
		return fail(fmt.Errorf("holder process %d exited before its lease was taken", pid))
	}
	if _, err := io.WriteString(ready, keeperReady+"\n"); err != nil {
		return err
	}
	_ = ready.Close()
	for {
		exited, err := w.wait(releaseCheck)
		if err != nil {
			return fmt.Errorf("follow holder process %d: %w", pid, err)
		}
		if exited || !wanted() {
			return nil
		}
	}
}

// pollWatch follows a process by asking every interval whether it still
// runs: for platforms without a way to be told.
type pollWatch struct {
	pid   int
	start uint64
}

func (p pollWatch) wait(d time.Duration) (bool, error) {
	time.Sleep(d)
	return !proc.Alive(p.pid, p.start), nil
}

func (pollWatch) close() {}

// processWatch waits for one process to exit.
type processWatch interface {
	// wait returns true once the process has exited, false after at
	// most d if it still runs.
	wait(d time.Duration) (exited bool, err error)
	close()
}

var _ processWatch = pollWatch{}

// takeOrAdopt creates and locks path, or adopts the lock inherited on
// descriptor inherited (>= 0).
func takeOrAdopt(path string, inherited int) (lockFD, error) {
	if inherited >= 0 {
		return adoptHeld(path, inherited)
	}
	return createHeld(path)
}
