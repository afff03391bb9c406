//go:build !windows

package cli

import (
	"os/exec"
	"syscall"
)

// exitCode is the shell's view of how the command ended: its exit status,
// or 128+N when signal N killed it.
func exitCode(ee *exec.ExitError) int {
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ee.ExitCode()
}
