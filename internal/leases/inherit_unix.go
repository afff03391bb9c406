//go:build darwin || linux || freebsd || openbsd || netbsd || dragonfly

package leases

import (
	"fmt"
	"os"
)

// inheritFD is the descriptor number a keeper finds its inherited lock on
// (the first of exec.Cmd.ExtraFiles).
const inheritFD = 3

// heldForKeeper creates lock file path and holds it, as an *os.File to
// hand to a keeper as its descriptor [inheritFD]. flock locks belong to the
// open file description, which the keeper inherits: the lock is held from
// before the keeper runs until the last of the two lets it go, so nobody
// waits for the keeper to start. ok is false where that cannot be done.
func heldForKeeper(path string) (f *os.File, ok bool, err error) {
	fd, err := createHeld(path)
	if err != nil {
		return nil, true, err
	}
	return os.NewFile(uintptr(fd), path), true, nil
}

// adoptHeld takes over the lock a keeper inherited on descriptor fd,
// after checking that fd is the file path names.
func adoptHeld(path string, fd int) (lockFD, error) {
	l := lockFD(fd)
	if !l.sameFile(path) {
		return -1, fmt.Errorf("descriptor %d is not the lock file %s", fd, path)
	}
	return l, nil
}
