package proc

import (
	"errors"

	"golang.org/x/sys/unix"
)

// szomb is p_stat of a zombie process (SZOMB in <sys/proc.h>).
const szomb = 5

func startTime(pid int) (uint64, error) {
	info, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	// For a PID with no process the sysctl succeeds with no data, which
	// x/sys reports as EIO; ESRCH is handled too for safety.
	if errors.Is(err, unix.EIO) || errors.Is(err, unix.ESRCH) {
		return 0, ErrNoProcess
	}
	if err != nil {
		return 0, err
	}
	if int(info.Proc.P_pid) != pid || info.Proc.P_stat == szomb {
		return 0, ErrNoProcess
	}
	tv := info.Proc.P_starttime
	return uint64(tv.Sec)*1_000_000 + uint64(tv.Usec), nil
}
