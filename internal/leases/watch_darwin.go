package leases

import (
	"errors"
	"time"

	"golang.org/x/sys/unix"
)

// kqueueWatch waits for EVFILT_PROC NOTE_EXIT on the process. Untested
// on macOS (it compiles; CI runs Linux).
type kqueueWatch struct{ kq int }

func watchProcess(pid int) (processWatch, error) {
	kq, err := unix.Kqueue()
	if err != nil {
		return nil, err
	}
	ev := unix.Kevent_t{Ident: uint64(pid), Filter: unix.EVFILT_PROC, Flags: unix.EV_ADD | unix.EV_ONESHOT, Fflags: unix.NOTE_EXIT}
	if _, err := unix.Kevent(kq, []unix.Kevent_t{ev}, nil, nil); err != nil {
		_ = unix.Close(kq)
		return nil, err // ESRCH: it exited already
	}
	return &kqueueWatch{kq: kq}, nil
}

func (w *kqueueWatch) wait(d time.Duration) (bool, error) {
	ts := unix.NsecToTimespec(d.Nanoseconds())
	out := make([]unix.Kevent_t, 1)
	for {
		n, err := unix.Kevent(w.kq, nil, out, &ts)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return false, err
		}
		return n > 0, nil
	}
}

func (w *kqueueWatch) close() { _ = unix.Close(w.kq) }
