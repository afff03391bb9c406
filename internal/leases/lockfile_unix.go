//go:build darwin || linux || freebsd || openbsd || netbsd || dragonfly

package leases

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"

	"github.com/berth-dev/berth/internal/safefs"
)

// lockFD is a raw file descriptor holding a lease lock.
type lockFD int

// createHeld creates path (it must not exist; 0600, no link followed) and
// takes an exclusive flock on it. flock locks belong to the open file
// description, so a probe from this same process (a new open) sees it held.
func createHeld(path string) (lockFD, error) {
	if err := safefs.NotLink(path); err != nil {
		return -1, err
	}
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return -1, &os.PathError{Op: "create", Path: path, Err: err}
	}
	if err := flock(fd, unix.LOCK_EX|unix.LOCK_NB); err != nil {
		_ = unix.Close(fd)
		_ = os.Remove(path)
		return -1, &os.PathError{Op: "flock", Path: path, Err: err}
	}
	return lockFD(fd), nil
}

func (fd lockFD) close() error { return unix.Close(int(fd)) }

// sameFile reports whether path still names the file fd has open.
func (fd lockFD) sameFile(path string) bool {
	var a, b unix.Stat_t
	if unix.Lstat(path, &a) != nil || unix.Fstat(int(fd), &b) != nil {
		return false
	}
	return a.Dev == b.Dev && a.Ino == b.Ino
}

// probe opens path (never creating it) and tries a shared flock without
// waiting: it fails only while someone holds the exclusive lock.
func probe(path string) (bool, error) {
	f, err := safefs.OpenFile(path, os.O_RDONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	err = flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	_ = flock(int(f.Fd()), unix.LOCK_UN) // closing drops it too
	return false, nil
}

func flock(fd, how int) error {
	for {
		err := unix.Flock(fd, how)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}
