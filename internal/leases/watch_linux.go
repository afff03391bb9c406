package leases

import (
	"errors"
	"time"

	"golang.org/x/sys/unix"

	"github.com/berth-dev/berth/internal/proc"
)

// pidfdWatch waits on a pidfd (Linux 5.3+): it turns readable when the
// process exits.
type pidfdWatch struct{ fd int }

func watchProcess(pid int) (processWatch, error) {
	fd, err := unix.PidfdOpen(pid, 0)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) {
		start, err := proc.StartTime(pid)
		if err != nil {
			return nil, err
		}
		return pollWatch{pid: pid, start: start}, nil // an older kernel, or seccomp says no
	}
	if err != nil {
		return nil, err
	}
	return &pidfdWatch{fd: fd}, nil
}

func (w *pidfdWatch) wait(d time.Duration) (bool, error) {
	fds := []unix.PollFd{{Fd: int32(w.fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, int(d.Milliseconds()))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return false, err
		}
		return n > 0, nil
	}
}

func (w *pidfdWatch) close() { _ = unix.Close(w.fd) }
