// Package leases decides which leases are live and reaps the dead ones.
//
// Today a lease is live while its holder process runs on this host
// (checked by PID and start time), or while its heartbeat is fresher than
// its TTL; a lease from another host without a TTL cannot be checked and
// counts as live. docs/design.md (invariant 4) says where this falls
// short: runners in other PID namespaces and on other hosts.
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
}

// Book judges the leases of one store from one host.
type Book struct {
	Store Store
	Now   func() time.Time
	Host  string // this machine ([proc.Host])
	// Alive reports whether process pid with start time start still runs
	// on this host ([proc.Alive]).
	Alive func(pid int, start uint64) bool
	// StartTime identifies a process on this host ([proc.StartTime]).
	StartTime func(pid int) (uint64, error)
}

// Live reports whether lease l's holder is still there (see
// [store.LeaseLive]).
func (b *Book) Live(l store.Lease) bool {
	return store.LeaseLive(l, b.Now(), b.Host, b.Alive)
}

// Split splits environment envID's leases into live and dead ones.
func (b *Book) Split(ctx context.Context, envID string) (live, dead []store.Lease, err error) {
	all, err := b.Store.Leases(ctx, envID)
	if err != nil {
		return nil, nil, err
	}
	for _, l := range all {
		if b.Live(l) {
			live = append(live, l)
		} else {
			dead = append(dead, l)
		}
	}
	return live, dead, nil
}

// Reap deletes every lease whose holder is gone and returns them.
func (b *Book) Reap(ctx context.Context) ([]store.Lease, error) {
	return b.Store.ReapLeases(ctx, func(l store.Lease) bool { return !b.Live(l) }, b.Now())
}

// Holder identifies the process pid on this host as a lease holder; 0
// means this process.
func (b *Book) Holder(pid int) (store.Holder, error) {
	if pid == 0 {
		pid = os.Getpid()
	}
	start, err := b.StartTime(pid)
	if err != nil {
		return store.Holder{}, fmt.Errorf("identify holder process %d: %w", pid, err)
	}
	return store.Holder{Host: b.Host, PID: pid, StartTime: start}, nil
}

// HeldBy reports whether lease l is held by process pid on this host.
func (b *Book) HeldBy(l store.Lease, pid int) bool {
	return l.Holder.PID == pid && l.Holder.Host == b.Host
}
