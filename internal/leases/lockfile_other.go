//go:build !(darwin || linux || freebsd || openbsd || netbsd || dragonfly || windows)

package leases

// No kernel file locks here: leases fall back to PID and start time.

type lockFD int

func createHeld(string) (lockFD, error) { return -1, errNoLocks }

func (lockFD) close() error { return nil }

func (lockFD) sameFile(string) bool { return false }

func probe(string) (bool, error) { return false, errNoLocks }
