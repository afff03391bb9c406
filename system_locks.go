package berth

import (
	"path/filepath"

	"github.com/berth-dev/berth/internal/acquire"
	"github.com/berth-dev/berth/internal/gc"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/leases"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/lock"
)

// envLocks hand out the environment locks (acquire, release, restart and
// gc take them).
type envLocks interface {
	lifecycle.Locker
	gc.Locks
}

// locksOf returns the environment and lease locks of state: kernel locks
// on files in the state directory dir, or, with BERTH_STORE, session
// advisory locks in that database (package pglock), keyed by the state's
// ID, so every host sharing the store shares them.
func (m *Manager) locksOf(dir string, state labels.Identity) (envLocks, leases.LockSet) {
	if sh := m.conn.Shared; sh != nil {
		return sh.Locks(state.ID), sh.Leases(state.ID)
	}
	return lock.Dir{Path: dir}, &leases.Locks{Dir: dir}
}

// claimsOf returns the memory reservations of state (acquire's admission):
// lock files in the state directory's "memory", or, with BERTH_STORE,
// claims in that database, so admission counts every host's reservations.
func (m *Manager) claimsOf(dir string, state labels.Identity) acquire.Reservations {
	if sh := m.conn.Shared; sh != nil {
		return sh.Claims(state.ID)
	}
	return lock.Claims{Dir: lock.Dir{Path: filepath.Join(dir, "memory")}}
}
