//go:build windows

package cli

import "os/exec"

// exitCode is the command's exit status.
func exitCode(ee *exec.ExitError) int { return ee.ExitCode() }
