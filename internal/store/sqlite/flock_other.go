//go:build !(darwin || linux || freebsd || openbsd || netbsd || dragonfly || windows)

package sqlite

import "os"

// Without a kernel file lock, writers queue on SQLite's busy handler alone.

func lockFile(*os.File) error { return nil }

func tryLockFile(*os.File) (bool, error) { return true, nil }

func unlockFile(*os.File) error { return nil }
