// Package leases decides which leases are live and reaps the dead ones.
//
// A lease is live exactly while its lock is held ([Locks]): a kernel lock
// on a file in the state directory, held by the process that acquired the
// lease (berth run, a test binary through the library) or by a keeper
// process that follows the lease's holder (berth up, see [StartKeeper] and
// [Keep]). The kernel drops the lock when that process dies, whatever PID,
// UTS or mount namespace it runs in, so "is the lock held?" is the one
// question acquire, gc, ps and release ask (docs/design.md invariant 4).
//
// A lease no process follows (berth up --ttl with no holder) lives by its
// heartbeat TTL alone. A lease with neither (made by an older berth, or on
// a platform without kernel file locks) falls back to the holder's PID and
// start time, checked from this host ([store.LeaseLive]).
package leases

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/berth-dev/berth/internal/store"
)

// Store is what the book reads and writes.
type Store interface {
	Leases(ctx context.Context, envID string) ([]store.Lease, error)
	ReapLeases(ctx context.Context, dead func(store.Lease) bool, now time.Time) ([]store.Lease, error)
	AllLeases(ctx context.Context) ([]store.Lease, error)
}

// Book judges the leases of one store from one host.
type Book struct {
	Store Store
	Now   func() time.Time
	// Locks are the lease locks: the state directory's ([Locks]) or the
	// shared store's; nil judges by the fallback alone (no lock is ever
	// probed).
	Locks LockSet
	Host  string // this machine ([proc.Host])
	// Alive reports whether process pid with start time start still runs
	// on this host ([proc.Alive]); the fallback for leases without a lock.
	Alive func(pid int, start uint64) bool
	// StartTime identifies a process on this host ([proc.StartTime]).
	StartTime func(pid int) (uint64, error)
}

// Live reports whether lease l's holder is still there: its lock is held,
// or its heartbeat is fresher than its TTL. A lease without a lock, or
// whose lock cannot be probed here, is judged by [store.LeaseLive].
func (b *Book) Live(l store.Lease) bool {
	if l.Holder.Lock != "" && b.Locks != nil {
		held, err := b.Locks.Probe(l.Holder.Lock)
		if err == nil {
			return held || (l.TTL > 0 && b.Now().Sub(l.HeartbeatAt) <= l.TTL)
		}
	}
	return store.LeaseLive(l, b.Now(), b.Host, b.Alive)
}

// Split splits environment envID's leases into live and dead ones. Live
// ones include, as leases with only a lock name, the held lock files
// tagged with envID that no lease in the store names: leases recorded in a
// store file that was deleted since ([Locks.Tag]). Their holders still
// use the environment, so nothing may take it down under them.
func (b *Book) Split(ctx context.Context, envID string) (live, dead []store.Lease, err error) {
	all, err := b.Store.Leases(ctx, envID)
	if err != nil {
		return nil, nil, err
	}
	named := map[string]bool{}
	for _, l := range all {
		named[l.Holder.Lock] = true
		if b.Live(l) {
			live = append(live, l)
		} else {
			dead = append(dead, l)
		}
	}
	if b.Locks != nil {
		for _, name := range b.Locks.HeldOn(envID) {
			if !named[name] {
				live = append(live, store.Lease{ID: "lock:" + name, EnvID: envID, Holder: store.Holder{Lock: name}})
			}
		}
	}
	return live, dead, nil
}

// Tag marks lease l's lock file with its environment ([Locks.Tag]); a
// lease without a lock file has nothing to mark.
func (b *Book) Tag(l store.Lease) error {
	if b.Locks == nil || l.Holder.Lock == "" {
		return nil
	}
	return b.Locks.Tag(l.Holder.Lock, l.EnvID)
}

// Reap deletes every lease whose holder is gone, and their lock files,
// and returns them. Lock files no lease names, nobody holds and older than
// a minute go too ([Locks.Sweep]).
func (b *Book) Reap(ctx context.Context) ([]store.Lease, error) {
	reaped, err := b.Store.ReapLeases(ctx, func(l store.Lease) bool { return !b.Live(l) }, b.Now())
	for _, l := range reaped {
		b.Forget(l)
	}
	if err == nil && b.Locks != nil {
		if all, err := b.Store.AllLeases(ctx); err == nil {
			named := map[string]bool{}
			for _, l := range all {
				named[l.Holder.Lock] = true
			}
			b.Locks.Sweep(named, strayAge, time.Now())
		}
	}
	return reaped, err
}

// strayAge is how old a lock file no lease names must be before it is
// swept: its lease may be being recorded (a keeper starts before the
// environment is ready; acquiring can take minutes, but the lock file is
// made when it starts, so the file's age is measured from then).
const strayAge = 30 * time.Minute

// Forget removes the lock file of lease l, which was released or reaped;
// a keeper holding it sees it go and exits.
func (b *Book) Forget(l store.Lease) {
	if b.Locks != nil && l.Holder.Lock != "" {
		_ = b.Locks.Remove(l.Holder.Lock) // a leftover file is not held: it reads as dead
	}
}

// Holder identifies the process pid on this host as a lease holder; 0
// means this process, [NoProcess] none (a lease that lives by its TTL).
func (b *Book) Holder(pid int) (store.Holder, error) {
	if pid == NoProcess {
		return store.Holder{Host: b.Host}, nil
	}
	if pid == 0 {
		pid = os.Getpid()
	}
	start, err := b.StartTime(pid)
	if err != nil {
		return store.Holder{}, fmt.Errorf("identify holder process %d: %w", pid, err)
	}
	return store.Holder{Host: b.Host, PID: pid, StartTime: start}, nil
}

// NoProcess as a holder PID means no process follows the lease: it lives
// by its heartbeat TTL alone.
const NoProcess = -1

// HeldBy reports whether lease l is held by process pid on this host.
func (b *Book) HeldBy(l store.Lease, pid int) bool {
	return l.Holder.PID == pid && l.Holder.Host == b.Host
}
