package leases

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// detached runs the keeper without a console, in a process group of its
// own, so a Ctrl-C meant for the caller does not reach it.
func detached() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{CreationFlags: windows.CREATE_NEW_PROCESS_GROUP | windows.DETACHED_PROCESS}
}
