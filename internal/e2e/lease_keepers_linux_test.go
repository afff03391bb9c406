package e2e

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// waitKeepers waits until every lease keeper following process holder has
// exited (it lets the lease go a moment after its holder dies), so a gc
// right after a holder's kill sees the lease dead, not racing the keeper.
// Keepers are found by their command line; each is waited for through a
// pidfd (the kernel says when, no polling).
func waitKeepers(t *testing.T, holder int) {
	t.Helper()
	procs, err := os.ReadDir("/proc")
	require.NoError(t, err)
	want := "\x00--holder-pid\x00" + strconv.Itoa(holder) + "\x00"
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + p.Name() + "/cmdline")
		if err != nil || !bytes.Contains(cmdline, []byte("\x00keep-lease\x00")) || !bytes.Contains(cmdline, []byte(want)) {
			continue
		}
		fd, err := unix.PidfdOpen(pid, 0)
		if errors.Is(err, unix.ESRCH) {
			continue // gone already
		}
		require.NoError(t, err)
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		for {
			n, err := unix.Poll(fds, int((30 * time.Second).Milliseconds()))
			if errors.Is(err, unix.EINTR) {
				continue
			}
			require.NoError(t, err)
			require.Equal(t, 1, n, "keeper %d of holder %d still runs 30 s after its holder died", pid, holder)
			break
		}
		_ = unix.Close(fd)
	}
}
