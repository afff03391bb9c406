//go:build !unix && !windows

package leases

import "syscall"

func detached() *syscall.SysProcAttr { return nil }
