package leases

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"

	"github.com/berth-dev/berth/internal/safefs"
)

// Windows: LockFileEx on the file's first byte, exclusive for the holder,
// shared (and at once released) for a probe. Files are opened with
// FILE_SHARE_DELETE so a release can remove a file a keeper holds, and
// with FILE_FLAG_OPEN_REPARSE_POINT so a link is opened as itself, never
// followed. Untested on Windows (it compiles; CI runs Linux).

func open(path string, create bool) (*os.File, error) {
	if err := safefs.NotLink(path); err != nil {
		return nil, err
	}
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	disp := uint32(windows.OPEN_EXISTING)
	access := uint32(windows.GENERIC_READ)
	if create {
		disp, access = windows.CREATE_NEW, windows.GENERIC_READ|windows.GENERIC_WRITE
	}
	h, err := windows.CreateFile(p, access,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE, nil, disp,
		windows.FILE_ATTRIBUTE_NORMAL|windows.FILE_FLAG_OPEN_REPARSE_POINT, 0)
	if err != nil {
		if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) || errors.Is(err, windows.ERROR_PATH_NOT_FOUND) {
			return nil, os.ErrNotExist
		}
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}

// lockFD is a raw handle holding a lease lock.
type lockFD windows.Handle

func createHeld(path string) (lockFD, error) {
	f, err := open(path, true)
	if err != nil {
		return 0, err
	}
	// A handle of its own, apart from the *os.File (which the garbage
	// collector would close): duplicated, the file closed, then locked.
	var h windows.Handle
	p := windows.CurrentProcess()
	err = windows.DuplicateHandle(p, windows.Handle(f.Fd()), p, &h, 0, false, windows.DUPLICATE_SAME_ACCESS)
	_ = f.Close()
	if err != nil {
		_ = os.Remove(path)
		return 0, err
	}
	err = windows.LockFileEx(h, windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &windows.Overlapped{})
	if err != nil {
		_ = windows.CloseHandle(h)
		_ = os.Remove(path)
		return 0, err
	}
	return lockFD(h), nil
}

func (fd lockFD) close() error { return windows.CloseHandle(windows.Handle(fd)) }

// sameFile: Windows keeps a file that is being deleted until its last
// handle closes, and it cannot be opened meanwhile; a path that still
// stats is taken as the same file.
func (fd lockFD) sameFile(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func probe(path string) (bool, error) {
	f, err := open(path, false)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		// A file being deleted (a release raced the probe) cannot be
		// opened: its holder let it go.
		if errors.Is(err, windows.ERROR_ACCESS_DENIED) {
			return false, nil
		}
		return false, err
	}
	defer f.Close()
	err = windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &windows.Overlapped{})
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	_ = windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, &windows.Overlapped{})
	return false, nil
}
