package leases

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/safefs"
)

// errNoLocks reports a platform without kernel file locks: liveness falls
// back to the holder's PID and start time (see [Book.Live]).
var errNoLocks = errors.New("lease locks: no kernel file locks on this platform")

// Locks are the lease lock files of one state directory, in its "leases"
// subdirectory. A lease is live while its file is locked: the holder (the
// acquiring process, or a keeper process that follows the holder) takes an
// exclusive lock on a file it alone creates, and the kernel drops the lock
// when that process dies, however it dies. Because the lock lives on the
// file, not in any process table, it is seen the same from every PID, UTS
// and mount namespace that sees the directory (a container with the state
// directory bind-mounted anywhere).
//
// Probing takes a shared lock without waiting and drops it at once: it
// fails only while a holder has the exclusive lock. Probers never exclude
// each other, so a lease cannot look live to one prober because another
// was probing it at that moment, nor dead because of a prober.
type Locks struct {
	Dir string // the state directory
}

// Path is the file of lock name.
func (k Locks) Path(name string) string { return filepath.Join(k.Dir, "leases", name+".lock") }

// validName reports whether name is one [Locks.Create] could have made: a
// lease record names a file in the leases directory, nowhere else.
func validName(name string) bool {
	return strings.HasPrefix(name, "h-") && len(name) <= 64 && !strings.ContainsAny(name, `/\.`) && name != ""
}

// NewName makes a fresh lock name ("h-" and 16 random hex digits).
func NewName() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make lease lock name: %w", err)
	}
	return "h-" + hex.EncodeToString(b[:]), nil
}

// ensure creates the leases directory (0700, checked as the state
// directory is).
func (k Locks) ensure() error {
	return safefs.EnsureDir(filepath.Join(k.Dir, "leases"))
}

// Held is a lease lock this process holds. The lock is on a raw file
// descriptor (handle), never an *os.File: the garbage collector would close
// an unreachable *os.File, and with it the lock, under a caller that
// dropped its Env but still runs. It lives until released or the process
// ends.
type Held struct {
	Name string
	path string
	fd   lockFD
	open bool
}

// Create makes a new lock file and holds it exclusively, in this process.
func (k Locks) Create() (*Held, error) {
	if err := k.ensure(); err != nil {
		return nil, err
	}
	name, err := NewName()
	if err != nil {
		return nil, err
	}
	return k.createNamed(name)
}

func (k Locks) createNamed(name string) (*Held, error) {
	path := k.Path(name)
	fd, err := createHeld(path)
	if err != nil {
		return nil, fmt.Errorf("take lease lock %s: %w", path, err)
	}
	return &Held{Name: name, path: path, fd: fd, open: true}, nil
}

// Release removes the lock file and drops the lock. Calling it again is
// harmless.
func (h *Held) Release() error {
	if h == nil || !h.open {
		return nil
	}
	err := removeIfSame(h.path, h.fd)
	if cerr := h.fd.close(); err == nil {
		err = cerr
	}
	h.open = false
	return err
}

// removeIfSame removes path if it is still the file fd has open (a file
// under the same name made since is not ours to remove).
func removeIfSame(path string, fd lockFD) error {
	if !fd.sameFile(path) {
		return nil
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// Probe reports whether lock name is held by a live holder. A missing
// file is not held (its holder released it, or exited and removed it).
// It fails on a platform without kernel file locks, or when the file
// cannot be opened for another reason: then nothing is known.
func (k Locks) Probe(name string) (held bool, err error) {
	if !validName(name) {
		return false, fmt.Errorf("probe lease lock: bad name %q", name)
	}
	held, err = probe(k.Path(name))
	if err != nil {
		return false, fmt.Errorf("probe lease lock %s: %w", name, err)
	}
	return held, nil
}

// Remove removes lock name's file, if any: the lease it stood for was
// released or reaped. A holder still running (a keeper) sees its file go
// and exits.
func (k Locks) Remove(name string) error {
	if !validName(name) {
		return nil
	}
	if err := os.Remove(k.Path(name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove lease lock %s: %w", name, err)
	}
	return nil
}

// Abandon closes the lock file without removing it: the lock goes, the
// file stays, as when the holder is killed. For tests that play a crash.
func (h *Held) Abandon() {
	if h != nil && h.open {
		_ = h.fd.close()
		h.open = false
	}
}

// Sweep removes lock files no lease names (keep says which names are
// named) that nobody holds and that are older than minAge: left by a
// process killed between taking its lock and recording its lease. A
// younger file may be one whose lease is being recorded right now.
func (k Locks) Sweep(keep map[string]bool, minAge time.Duration, now time.Time) (removed int) {
	entries, err := os.ReadDir(filepath.Join(k.Dir, "leases"))
	if err != nil {
		return 0
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".lock")
		if !ok || !validName(name) || keep[name] {
			continue
		}
		info, err := e.Info()
		if err != nil || now.Sub(info.ModTime()) < minAge {
			continue
		}
		if held, err := k.Probe(name); err != nil || held {
			continue
		}
		if k.Remove(name) == nil {
			removed++
		}
	}
	return removed
}
