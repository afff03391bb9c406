// Package safefs is how berth touches its state directory without trusting
// what it finds there (docs/design.md invariant 3): [EnsureDir] creates a
// directory 0700 and refuses an existing one another user owns or others
// may write to; [OpenFile], [ReadFile] and [WriteFile] never follow a
// symbolic link (O_NOFOLLOW on unix) and create files 0600 as asked; and
// [NotLink] is the check before a path is handed to a library that opens
// it itself (SQLite, flock).
//
// A symbolic link planted in the directory (say budget.state pointing at
// a victim's file) is refused, not written through.
package safefs

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/berth-dev/berth/internal/failure"
)

// UnsafeDirError is a state directory berth refuses to use: another user's,
// or writable by others. It is bad input (the CLI exits 2): nothing was
// sent to the daemon.
type UnsafeDirError struct {
	Dir     string
	Problem string // "is owned by uid 65534, not by this user (uid 0)"
	Fix     string // what to do
}

func (e *UnsafeDirError) Error() string {
	return fmt.Sprintf("state directory %s %s: another user could change berth's locks, leases and store; %s", e.Dir, e.Problem, e.Fix)
}

// ErrLink reports a symbolic link (or another non-regular file) where
// berth expects a regular file of its own.
var ErrLink = errors.New("not a regular file: berth does not follow symbolic links in its state directory")

// EnsureDir creates dir (and missing parents) with mode 0700 if it does
// not exist, then checks it: it must be a directory owned by the current
// user and not writable by group or others (on Windows, where ownership is
// a matter of ACLs, only that it is a directory). A failed check is an
// [*UnsafeDirError] wrapped as a [*failure.InputError].
func EnsureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create state directory %s: %w", dir, err)
	}
	return CheckDir(dir)
}

// CheckDir checks an existing directory as [EnsureDir] does.
func CheckDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("check state directory: %w", err)
	}
	if !fi.IsDir() {
		return failure.Input(&UnsafeDirError{Dir: dir, Problem: "is not a directory", Fix: "remove it or set BERTH_STATE_DIR to a directory of your own"})
	}
	if e := checkOwner(dir, fi); e != nil {
		return failure.Input(e)
	}
	return nil
}

// NotLink returns an error wrapping [ErrLink] when path exists and is not
// a regular file (a symbolic link, a directory, a device...); a missing
// path is fine. It is the check before a library opens path itself.
func NotLink(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s (%s): %w; remove it", path, fi.Mode().Type(), ErrLink)
	}
	return nil
}

// OpenFile is os.OpenFile that never follows a symbolic link at path's
// last element; perm applies to a file it creates (berth passes 0600).
func OpenFile(path string, flag int, perm os.FileMode) (*os.File, error) {
	if err := NotLink(path); err != nil {
		return nil, err
	}
	f, err := openNoFollow(path, flag, perm)
	if err != nil {
		if isLinkErr(err) {
			return nil, fmt.Errorf("%s: %w; remove it", path, ErrLink)
		}
		return nil, err
	}
	return f, nil
}

// ReadFile is os.ReadFile through [OpenFile].
func ReadFile(path string) ([]byte, error) {
	f, err := OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// WriteFile is os.WriteFile through [OpenFile].
func WriteFile(path string, data []byte, perm os.FileMode) error {
	f, err := OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
