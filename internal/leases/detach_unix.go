//go:build unix

package leases

import "syscall"

// detached runs the keeper in a session of its own: no controlling
// terminal, out of the caller's process group, so a Ctrl-C or a hang-up
// meant for the caller does not reach it.
func detached() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }
