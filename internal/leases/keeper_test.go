package leases

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// keeperArgv runs this test binary as the keeper.
func keeperArgv(t *testing.T) []string {
	t.Setenv(roleEnv, "keeper") // inherited by the keeper; the parent's TestMain already ran
	// Under -race a process sleeps 1 s at exit (after the keeper let go of
	// its lock, but before the test sees it exit).
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	return []string{os.Args[0]}
}

// TestKeeperHoldsWhileItsHolderLives: the keeper holds the lease's lock
// while the process it follows lives; SIGKILL of that process ends the
// keeper (at once: the kernel tells it, no polling), and the lease reads
// as not held.
func TestKeeperHoldsWhileItsHolderLives(t *testing.T) {
	skipWithoutLocks(t)
	locks := Locks{Dir: t.TempDir()}
	holder, _, _ := child(t, "wait")
	argv := keeperArgv(t)
	k, err := StartKeeper(argv, locks, holder.Process.Pid)
	require.NoError(t, err)
	t.Cleanup(k.Drop)
	name, err := k.Held(context.Background())
	require.NoError(t, err)
	held, err := locks.Probe(name)
	require.NoError(t, err)
	assert.True(t, held, "the keeper holds it while the holder lives")

	killed := time.Now()
	require.NoError(t, holder.Process.Kill())
	_ = holder.Wait()
	<-k.exited
	t.Logf("keeper exited %s after its holder's SIGKILL", time.Since(killed).Round(time.Microsecond))
	assert.Less(t, time.Since(killed), releaseCheck, "told by the kernel, not found by the release poll")
	held, err = locks.Probe(name)
	require.NoError(t, err)
	assert.False(t, held)
	assert.NoFileExists(t, locks.Path(name), "the keeper removes its file")
}

// TestKeeperExitsWhenReleased: removing the lease's lock file (berth down,
// gc's reaping) ends the keeper though its holder lives on.
func TestKeeperExitsWhenReleased(t *testing.T) {
	skipWithoutLocks(t)
	locks := Locks{Dir: t.TempDir()}
	holder, _, _ := child(t, "wait")
	k, err := StartKeeper(keeperArgv(t), locks, holder.Process.Pid)
	require.NoError(t, err)
	t.Cleanup(k.Drop)
	name, err := k.Held(context.Background())
	require.NoError(t, err)
	require.NoError(t, locks.Remove(name))
	select {
	case <-k.exited:
	case <-time.After(10 * releaseCheck):
		t.Fatal("the keeper did not exit after its lease was released")
	}
	require.NoError(t, holder.Process.Signal(syscall.Signal(0)), "the holder still runs")
}

// TestKeeperRefusesAHolderThatIsGone: a holder that exited (its PID free,
// or reused by a process with another start time) gets no keeper.
func TestKeeperRefusesAHolderThatIsGone(t *testing.T) {
	skipWithoutLocks(t)
	locks := Locks{Dir: t.TempDir()}
	holder, stdin, _ := child(t, "wait")
	pid := holder.Process.Pid
	require.NoError(t, stdin.Close())
	_ = holder.Wait()
	_, err := StartKeeper(keeperArgv(t), locks, pid)
	require.Error(t, err, "pid %d", pid)

	// Alive, but not the process the caller saw (another start time).
	holder, _, _ = child(t, "wait")
	require.NoError(t, locks.ensure())
	cmd := exec.Command(os.Args[0], "--lock", locks.Path("h-0123456789abcdef"), "--holder-pid", strconv.Itoa(holder.Process.Pid),
		"--holder-start", "12345")
	cmd.Env = append(os.Environ(), roleEnv+"=keeper")
	out, _ := cmd.Output()
	assert.Contains(t, string(out), "exited before its lease was taken")
	assert.NoFileExists(t, locks.Path("h-0123456789abcdef"))
}

// TestKeeperInheritsTheLockHeld: on unix the lock is held before the
// keeper runs (it inherits it), so Held does not wait for the keeper: a
// "keeper" that never takes any lock itself still holds it, and Drop ends
// it and removes the file.
func TestKeeperInheritsTheLockHeld(t *testing.T) {
	skipWithoutLocks(t)
	f, ok, _ := heldForKeeper(filepath.Join(t.TempDir(), "probe"))
	if !ok {
		t.Skip("no lock inheritance on this platform")
	}
	_ = f.Close()
	locks := Locks{Dir: t.TempDir()}
	holder, _, _ := child(t, "wait")
	k, err := StartKeeper([]string{"/bin/sh", "-c", "exec sleep 30"}, locks, holder.Process.Pid)
	require.NoError(t, err)
	t.Cleanup(k.Drop)
	name, err := k.Held(context.Background())
	require.NoError(t, err)
	held, err := locks.Probe(name)
	require.NoError(t, err)
	assert.True(t, held, "held through the keeper's inherited descriptor")
	k.Drop()
	held, err = locks.Probe(name)
	require.NoError(t, err)
	assert.False(t, held)
	assert.NoFileExists(t, locks.Path(name))
}
