package pglock

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Fence tells a process that one of its environment locks was lost while
// held: the database session that held it ended (a database restart, a
// broken connection), so the server dropped the lock and another process
// may take it, though the holder still runs. [Locks] with a Fence watch
// every lock they hand out (a read on its idle connection, which returns
// only when the session ends) and report a lost one here until its holder
// lets it go. The gate asks [Fence.Lost] before every mutating Docker
// call ([gate.Fence]) and refuses the call while a lock is lost, so a
// holder that lost its lock changes nothing more on the daemon and its
// operation fails, as if it had been killed at that point (invariant 4:
// what it leaves, the next holder of the lock recovers). Lease locks are
// not fenced: their holders take them again ([HeldLease]).
type Fence struct {
	mu   sync.Mutex
	lost map[*watch]string // lock names, until their holders let go
}

// LostLockError refuses a mutating call while one of this process's
// environment locks is lost.
type LostLockError struct{ Names []string }

func (e *LostLockError) Error() string {
	return fmt.Sprintf("environment lock %s was lost with its database session (the store restarted or the connection broke): "+
		"another berth process may hold it now, so this operation stops without changing the daemon; run the command again",
		strings.Join(e.Names, ", "))
}

// Lost returns a [*LostLockError] while a lock watched by f has been lost
// and not yet let go by its holder, else nil. A nil Fence never reports.
func (f *Fence) Lost() error {
	if f == nil {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.lost) == 0 {
		return nil
	}
	var names []string
	for _, n := range f.lost {
		names = append(names, n)
	}
	sort.Strings(names)
	return &LostLockError{Names: names}
}

// watch is one held lock's watcher.
type watch struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// watch starts watching the lock called name held on c: a read on the
// connection, which nothing else uses while the lock is held. stop ends
// the watch (before the lock's release uses the connection) and forgets a
// loss. With a nil Fence, stop does nothing.
func (f *Fence) watch(c *pgxpool.Conn, name string) (stop func()) {
	if f == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &watch{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for {
			err := c.Conn().PgConn().WaitForNotification(ctx)
			if ctx.Err() != nil {
				return // stopped: the holder releases the lock
			}
			if err != nil {
				break // the session ended
			}
		}
		f.mu.Lock()
		if f.lost == nil {
			f.lost = map[*watch]string{}
		}
		f.lost[w] = name
		f.mu.Unlock()
	}()
	return func() {
		w.cancel()
		<-w.done
		f.mu.Lock()
		delete(f.lost, w)
		f.mu.Unlock()
	}
}
