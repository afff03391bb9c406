//go:build !unix && !windows

package safefs

import "os"

// NoFollow: no such flag here; [NotLink] checks before each open.
const NoFollow = 0

func openNoFollow(path string, flag int, perm os.FileMode) (*os.File, error) {
	return os.OpenFile(path, flag, perm)
}

func isLinkErr(error) bool { return false }

func checkOwner(string, os.FileInfo) *UnsafeDirError { return nil }
