//go:build unix

package safefs

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// NoFollow is the open flag that refuses a symbolic link at a path's last
// element (0 where there is none).
const NoFollow = syscall.O_NOFOLLOW

func openNoFollow(path string, flag int, perm os.FileMode) (*os.File, error) {
	return os.OpenFile(path, flag|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, perm)
}

// isLinkErr: open with O_NOFOLLOW fails with ELOOP on a link (EMLINK on
// some BSDs, EFTYPE on NetBSD is not in syscall everywhere).
func isLinkErr(err error) bool {
	return errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.EMLINK)
}

func checkOwner(dir string, fi os.FileInfo) *UnsafeDirError {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if uid := os.Geteuid(); int(st.Uid) != uid {
		return &UnsafeDirError{Dir: dir, Problem: fmt.Sprintf("is owned by uid %d, not by this user (uid %d)", st.Uid, uid),
			Fix: "set BERTH_STATE_DIR to a directory of your own (or chown it to yourself)"}
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return &UnsafeDirError{Dir: dir, Problem: fmt.Sprintf("is writable by group or others (mode %#o)", perm),
			Fix: "run chmod 700 " + dir}
	}
	return nil
}
