package proc

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOwnProcessIsAlive(t *testing.T) {
	start, err := StartTime(os.Getpid())
	require.NoError(t, err)
	assert.NotZero(t, start)

	again, err := StartTime(os.Getpid())
	require.NoError(t, err)
	assert.Equal(t, start, again, "start time must be stable")
	assert.True(t, Alive(os.Getpid(), start))
}

func TestWrongStartTimeIsNotAlive(t *testing.T) {
	start, err := StartTime(os.Getpid())
	require.NoError(t, err)
	assert.False(t, Alive(os.Getpid(), start+1))
	assert.False(t, Alive(os.Getpid(), 0))
}

func TestExitedChildIsNotAlive(t *testing.T) {
	cmd := exec.Command(os.Args[0]) // runs until its stdin closes (TestMain)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	pid := cmd.Process.Pid

	start, err := StartTime(pid)
	require.NoError(t, err)
	assert.True(t, Alive(pid, start), "running child")

	require.NoError(t, stdin.Close())
	require.NoError(t, cmd.Wait())
	assert.False(t, Alive(pid, start), "exited child")
	_, err = StartTime(pid)
	require.ErrorIs(t, err, ErrNoProcess)
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestNoSuchPID(t *testing.T) {
	for _, pid := range []int{0, -1} {
		_, err := StartTime(pid)
		require.ErrorIs(t, err, ErrNoProcess, "pid %d", pid)
		assert.False(t, Alive(pid, 1))
	}
}

func TestHostIsStable(t *testing.T) {
	h := Host()
	assert.NotEmpty(t, h)
	assert.Equal(t, h, Host())
}
