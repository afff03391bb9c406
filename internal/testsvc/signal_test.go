//go:build unix

package testsvc

import (
	"strconv"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMainSIGTERMIsGraceful(t *testing.T) {
	p := spawn(t, []string{"TESTSVC_PORTS=0"})
	p.port(t)
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	assert.Equal(t, 0, p.exitCode(t))
}

// With TESTSVC_IGNORE_SIGTERM the signal is set to SIG_IGN, so the kernel
// discards it when kill(2) runs: once Signal returns, the process has
// already not reacted, and must still answer.
func TestMainIgnoreSIGTERM(t *testing.T) {
	p := spawn(t, []string{"TESTSVC_PORTS=0", "TESTSVC_IGNORE_SIGTERM=1"})
	port := p.port(t)
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	code, stderr := probe(t, "--port", strconv.Itoa(port))
	require.Equal(t, 0, code, "still serving after SIGTERM: %s", stderr)
	select {
	case <-p.done:
		t.Fatal("exited on SIGTERM")
	default:
	}

	require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
	assert.Equal(t, -1, p.exitCode(t))
	ws := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
	assert.Equal(t, syscall.SIGKILL, ws.Signal())
}
