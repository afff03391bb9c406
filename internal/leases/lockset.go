package leases

import "time"

// LockSet is where lease locks live: lock files in the state directory
// ([Locks], one host), or session advisory locks in PostgreSQL (package
// pglock, hosts sharing a store). A lease is live while its lock is held.
type LockSet interface {
	// Take starts holding a new lock for holder pid ([Book.Take]); nil
	// when this set cannot hold one for it (the lease is then judged by
	// the fallback).
	Take(pid int, keeper []string) (Pending, error)
	// Probe reports whether lock name is held by a live holder, without
	// blocking the holder and without ever making it look dead. An error
	// means nothing is known.
	Probe(name string) (held bool, err error)
	// Remove forgets lock name: its lease was released or reaped; a
	// keeper holding it sees that and exits.
	Remove(name string) error
	// Sweep removes locks no lease names (keep), nobody holds, and older
	// than minAge, and returns how many.
	Sweep(keep map[string]bool, minAge time.Duration, now time.Time) (removed int)
	// Tag records that lock name's lease is on environment envID, so the
	// lease stays visible as held even to a store that never saw it
	// ([Book.Split]); a lock that is gone is not an error.
	Tag(name, envID string) error
	// HeldOn returns the names of the locks tagged with envID whose
	// holders still hold them.
	HeldOn(envID string) []string
}

var _ LockSet = Locks{}
