package pglock

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Locks hands out named exclusive locks in one scope: session advisory
// locks, each held on a connection of its own taken from Pool for as long
// as it is held. A holder that dies, or whose connection breaks, loses the
// lock at once (a broken connection is never handed back to the pool).
// Locks has the shape of the file backend's lock.Dir (lifecycle.Locker,
// gc.Locks).
type Locks struct {
	Pool  *pgxpool.Pool
	Scope string // whose locks: the daemon's or store's key
	// Fence, when set, watches every lock handed out and reports one
	// lost while held ([Fence]); environment locks have one, slots not.
	Fence *Fence
}

// tryTimeout bounds TryAcquire, which has no context of its own.
const tryTimeout = 10 * time.Second

// Acquire blocks until it holds the lock called name, or ctx ends.
// Waiters are queued by the server's lock manager in arrival order.
// release frees it; calling release more than once is harmless.
func (l Locks) Acquire(ctx context.Context, name string) (release func() error, err error) {
	key := Key(l.Scope, name)
	err = onConn(ctx, l.Pool, func(c *pgxpool.Conn) (bool, error) {
		if _, err := c.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
			return false, err
		}
		release = watched(l.Fence.watch(c, name), unlocker(c, "SELECT pg_advisory_unlock($1)", key))
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("acquire lock %s: %w", name, err)
	}
	return release, nil
}

// TryAcquire takes the lock called name if it is free; ok is false when
// another holder has it.
func (l Locks) TryAcquire(name string) (release func() error, ok bool, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), tryTimeout)
	defer cancel()
	key := Key(l.Scope, name)
	err = onConn(ctx, l.Pool, func(c *pgxpool.Conn) (bool, error) {
		if err := c.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&ok); err != nil || !ok {
			return false, err
		}
		release = watched(l.Fence.watch(c, name), unlocker(c, "SELECT pg_advisory_unlock($1)", key))
		return true, nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("try lock %s: %w", name, err)
	}
	return release, ok, nil
}

// discard closes c's connection and hands it back, so the pool drops it;
// the server ends the session and every lock it held.
func discard(c *pgxpool.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = c.Conn().Close(ctx)
	c.Release()
}

// watched is release that first stops the lock's watch (which reads
// from the connection release uses).
func watched(stop func(), release func() error) func() error {
	return func() error {
		stop()
		return release()
	}
}

// unlocker returns a release that runs unlock (with key) on c and hands c
// back; when the unlock fails the connection is discarded, which frees the
// lock as surely. It runs once.
func unlocker(c *pgxpool.Conn, unlock string, key int64) func() error {
	var once sync.Once
	var err error
	return func() error {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), tryTimeout)
			defer cancel()
			var ok bool
			if qerr := c.QueryRow(ctx, unlock, key).Scan(&ok); qerr != nil || !ok {
				err = errors.Join(qerr, errNotHeld(ok, qerr))
				discard(c)
				return
			}
			c.Release()
		})
		return err
	}
}

func errNotHeld(ok bool, qerr error) error {
	if ok || qerr != nil {
		return nil
	}
	return errors.New("release lock: it was no longer held (the database session was lost)")
}

func isNoRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }
