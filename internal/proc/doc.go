// Package proc identifies processes across time: a PID together with the
// process's start time names one process even after the PID is reused.
// berth records a lease holder as (host, PID, start time) for display,
// and uses [Alive] to judge only leases without a lock (package
// internal/leases: a lease is live while its lock is held); a keeper checks
// with [StartTime] that the holder it follows is the process its caller
// saw.
package proc

import (
	"errors"
	"fmt"
	"os"
)

// ErrNoProcess reports that no process with the given PID exists (a zombie
// that exited but was not yet reaped counts as gone). It wraps
// [os.ErrNotExist], so errors.Is(err, os.ErrNotExist) holds too.
var ErrNoProcess = fmt.Errorf("no such process: %w", os.ErrNotExist)

// ErrUnsupported reports that start times cannot be read on this platform.
var ErrUnsupported = fmt.Errorf("process start times: %w", errors.ErrUnsupported)

// StartTime returns an opaque value identifying the start of process pid:
// stable for the life of the process, different for a later process that
// reuses the PID, never 0 (0 means "unknown" to callers). Values are only
// comparable on the host that produced them. It returns an error wrapping
// [ErrNoProcess] when there is no such (running) process.
//
// Linux: starttime (clock ticks since boot, field 22 of /proc/<pid>/stat)
// combined with a hash of the boot ID, so a process of an earlier boot with
// the same PID and tick count does not match. Darwin: p_starttime of the
// kern.proc.pid sysctl, in microseconds since the epoch. Windows: the
// creation time from GetProcessTimes, in 100 ns units since 1601.
func StartTime(pid int) (uint64, error) {
	if pid <= 0 {
		return 0, fmt.Errorf("read start time of process %d: %w", pid, ErrNoProcess)
	}
	start, err := startTime(pid)
	if err != nil {
		return 0, fmt.Errorf("read start time of process %d: %w", pid, err)
	}
	return start, nil
}

// Alive reports whether process pid exists and has start time start (as
// returned by [StartTime] on this host). It returns false when the process
// is gone or the PID now belongs to another process. When the start time
// cannot be read for another reason (permissions, an unsupported platform)
// it returns true: a holder berth cannot disprove is presumed alive, so its
// lease is never taken away by mistake.
func Alive(pid int, start uint64) bool {
	got, err := StartTime(pid)
	if errors.Is(err, ErrNoProcess) {
		return false
	}
	if err != nil {
		return true
	}
	return got == start
}

// Host names this machine for lease holders: os.Hostname, or "localhost"
// when the name cannot be read. It is stable for the life of the host.
func Host() string {
	name, err := os.Hostname()
	if err != nil || name == "" {
		return "localhost"
	}
	return name
}
