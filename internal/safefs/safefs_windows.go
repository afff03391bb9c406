package safefs

import (
	"os"
)

// NoFollow is the open flag that refuses a symbolic link at a path's last
// element: none on Windows, where [NotLink] checks before each open (a
// window between check and open remains).
const NoFollow = 0

func openNoFollow(path string, flag int, perm os.FileMode) (*os.File, error) {
	return os.OpenFile(path, flag, perm)
}

func isLinkErr(error) bool { return false }

// checkOwner: ownership on Windows is a matter of ACLs, which the user's
// profile directory already restricts; only the directory check applies.
func checkOwner(string, os.FileInfo) *UnsafeDirError { return nil }
