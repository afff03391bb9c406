//go:build !(darwin || linux || freebsd || openbsd || netbsd || dragonfly)

package leases

import (
	"errors"
	"os"
)

const inheritFD = 3

// heldForKeeper: this platform does not hand a lock to a keeper; the
// keeper takes it itself.
func heldForKeeper(string) (*os.File, bool, error) { return nil, false, nil }

func adoptHeld(string, int) (lockFD, error) {
	return lockFD(0), errors.New("lease locks: inherited lock descriptors are not supported on this platform")
}
