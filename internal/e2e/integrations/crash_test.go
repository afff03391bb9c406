//go:build linux

package integrations

import (
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestPytestWorkerKilled: one of four pytest workers, holding its lease
// and waiting at the gate, is killed with SIGKILL. Once it is dead, berth
// judges its lease dead while the other three stay live and the shared
// environment keeps running; the others then finish (xdist reports only
// the killed worker's test as crashed), and with linger 0 the environment
// goes after the last of them. One create per service throughout.
func TestPytestWorkerKilled(t *testing.T) {
	requirePytest(t)
	w := newWorld(t)
	log := w.watchCreates()
	s := w.startSession()
	arr := s.arrivals(4)
	victim := arr[1]
	require.Len(t, w.liveLeases(), 4)

	killed := time.Now()
	require.NoError(t, syscall.Kill(victim.PID, syscall.SIGKILL))
	require.NoError(t, waitExit(victim.PID, deadline))
	exited := time.Since(killed)

	// The lease keeper of the leases work gives the lease up a moment
	// after its holder dies, so each look is a new berth ps (no sleeps)
	// until the deadline.
	var live map[string]string
	looks := 0
	for end := time.Now().Add(30 * time.Second); ; {
		live, looks = w.liveLeases(), looks+1
		if _, ok := live[victim.Lease]; !ok || time.Now().After(end) {
			break
		}
	}
	judged := time.Since(killed)
	assert.NotContains(t, live, victim.Lease, "the killed worker's lease is dead")
	for _, a := range arr {
		if a.PID != victim.PID {
			assert.Equal(t, a.Env, live[a.Lease], "worker %s still holds its lease", a.Worker)
		}
	}
	envs := w.ps()
	require.Len(t, envs, 1)
	for _, sv := range envs[0].Services {
		assert.Equal(t, "running", sv.State, "service %s while three workers hold it", sv.Service)
	}

	s.open()
	code, out := s.wait()
	assert.Equal(t, 1, code, "one test crashed with its worker:\n%s", out)
	var crashed []string
	passed := 0
	for _, c := range s.report() {
		switch {
		case c.Error != nil: // xdist reports the crash as an error of the test's setup
			crashed = append(crashed, c.Name+": "+c.Error.Message)
		case c.Failure != nil:
			crashed = append(crashed, c.Name+": "+c.Failure.Message)
		default:
			passed++
		}
	}
	require.Len(t, crashed, 1, out)
	assert.Contains(t, crashed[0], "worker '"+victim.Worker+"' crashed")
	assert.Equal(t, suiteTests-1, passed, "every other test passed")
	creates := perService(log.finish(t))
	t.Logf("SIGKILL of worker %s (pid %d): exited after %s, lease judged dead after %s (%d look(s) at berth ps); "+
		"%d other tests passed; creates per service %v; %s", victim.Worker, victim.PID, exited.Round(time.Millisecond),
		judged.Round(time.Millisecond), looks, passed, creates, firstLine(out, "crashed"))
	assert.Equal(t, map[string]int{"api": 1, "db": 1}, creates)
	assert.Empty(t, w.leftovers(), "the environment went after the last worker")
}

// waitExit waits until process pid has exited (a zombie counts), through
// a pidfd: the kernel says when, no polling.
func waitExit(pid int, timeout time.Duration) error {
	fd, err := unix.PidfdOpen(pid, 0)
	if errors.Is(err, unix.ESRCH) {
		return nil // already gone
	}
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, int(timeout.Milliseconds()))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return errors.New("process still running")
		}
		return nil
	}
}

// firstLine returns the first line of out that contains s.
func firstLine(out, s string) string {
	for line := range strings.Lines(out) {
		if strings.Contains(line, s) {
			return strings.TrimSpace(line)
		}
	}
	return ""
}
