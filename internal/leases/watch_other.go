//go:build !linux && !darwin && !windows

package leases

import "github.com/berth-dev/berth/internal/proc"

// watchProcess polls: no way to be told of another process's exit here.
func watchProcess(pid int) (processWatch, error) {
	start, err := proc.StartTime(pid)
	if err != nil {
		return nil, err
	}
	return pollWatch{pid: pid, start: start}, nil
}
