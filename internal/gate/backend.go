package gate

import (
	"context"

	"github.com/berth-dev/berth/internal/lock"
)

// Backend makes the gate's shared pieces: the state every berth process of
// a daemon reads and updates (breaker, budget, adaptive limit) and the
// slots they share. [Files] keeps them in the state directory (one host);
// package pglock keeps them in PostgreSQL (many hosts, BERTH_STORE). Both
// pass the contract suite of package gate/gatetest.
type Backend interface {
	// State is the state called name in scope.
	State(scope Scope, name string) (State, error)
	// Slots are n slots called name in scope, of which at most limit()
	// may be taken at a time when limit is not nil; waiters are served
	// first come, first served across processes and hosts.
	Slots(scope Scope, name string, n int, limit func() int) Semaphore
}

// Fence is implemented by a backend whose locks can be lost while their
// holder runs on (PostgreSQL: a database restart ends the sessions that
// held them). Lost returns an error while one of this process's
// environment locks is lost and its holder has not let it go; the gate
// then refuses every mutating call with that error, so the holder's
// operation fails without changing the daemon.
type Fence interface {
	Lost() error
}

// Scope says whose shared state it is: the daemon endpoint's (the
// breaker, which must work before the daemon can be asked its ID) or the
// daemon's. Dir is its directory in the state directory; Key names it
// across hosts ("endpoint:<endpoint>", "daemon:<ID>").
type Scope struct {
	Dir string
	Key string
}

// State is a small piece of state shared by every process of a scope.
type State interface {
	// Update passes the current content (empty when there is none, or it
	// cannot be read: the state is advisory and starts over) to fn and
	// stores what fn returns, as one step across processes: no other
	// update of the same state runs between the read and the write. fn
	// may run more than once; it must not have effects of its own.
	Update(ctx context.Context, fn func(old []byte) []byte) error
	// Close releases what the state holds open.
	Close() error
}

// Semaphore is a cross-process counting semaphore.
type Semaphore interface {
	// Acquire blocks until the caller holds one slot, or ctx ends.
	// Waiters are served in arrival order, within the limit.
	Acquire(ctx context.Context) (release func() error, err error)
	// AcquireOutOfLine is Acquire without the line and the limit: any of
	// the N slots, as soon as one is free (see [OutOfLine]).
	AcquireOutOfLine(ctx context.Context) (release func() error, err error)
	// Waiting counts the live waiters in the line.
	Waiting(ctx context.Context) (int, error)
}

// Files is the one-host [Backend]: state files and kernel locks in the
// scope's directory.
type Files struct{}

// State is a state file in scope.Dir ([sharedFile]).
func (Files) State(scope Scope, name string) (State, error) {
	return newSharedFile(lock.Dir{Path: scope.Dir}, name), nil
}

// Slots are lock files in scope.Dir ([lock.Slots]).
func (Files) Slots(scope Scope, name string, n int, limit func() int) Semaphore {
	return lock.Slots{Dir: lock.Dir{Path: scope.Dir}, N: n, Name: name, Limit: limit}
}
