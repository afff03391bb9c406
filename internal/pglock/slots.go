package pglock

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/berth-dev/berth/internal/lock"
)

// Slots is a cross-host counting semaphore in one scope: N advisory locks
// "<Name>-0" … "<Name>-(N-1)"; holding any one is holding a slot.
//
// Waiters are served first come, first served, by their operations'
// arrival ([lock.WithArrival]) and then their own: see [line]. Only the
// head of the line tries for a slot, polling every slot without blocking,
// with a pause growing to at most 10 ms. A waiter that dies leaves the
// line with its connection.
type Slots struct {
	Locks Locks
	N     int
	Name  string // "" is "slot"
	// Limit, when set, is how many of the N slots may be taken now (an
	// adaptive limit, read at every try); slots above it stay unused.
	Limit func() int
}

// trySlot takes the first free slot of n, tried from start on: the
// function scan under LIMIT 1 stops at the first row that passes, so at
// most one lock is taken. It returns the slot's key, or no row.
const trySlot = `SELECT k FROM (SELECT ($2::int + s) % $1::int AS i FROM generate_series(0, $1::int - 1) s) o,
LATERAL (SELECT hashtextextended($3 || o.i::text, 0) AS k) h
WHERE pg_try_advisory_lock(h.k) LIMIT 1`

// Acquire blocks until this process holds one slot, or ctx ends. A
// process's takers hold at most the pool's size less [stateConns]
// connections at once ([slotTurn]); the others wait for a turn first.
func (s Slots) Acquire(ctx context.Context) (release func() error, err error) {
	return s.take(ctx, s.acquireOn)
}

// take takes a slot with on, on a connection of the pool's that it holds
// with the slot (within the process's [slotTurn]).
func (s Slots) take(ctx context.Context, on func(context.Context, *pgxpool.Conn) (func() error, error)) (release func() error, err error) {
	if s.N < 1 {
		return nil, fmt.Errorf("acquire slot: need at least 1 slot, have %d", s.N)
	}
	done, err := slotTurn(ctx, s.Locks.Pool)
	if err != nil {
		return nil, fmt.Errorf("acquire slot: %w", err)
	}
	err = withSchema(ctx, s.Locks.Pool, func() error {
		return onConn(ctx, s.Locks.Pool, func(c *pgxpool.Conn) (bool, error) {
			release, err = on(ctx, c)
			return err == nil, err
		})
	})
	if err != nil {
		done()
		return nil, fmt.Errorf("acquire slot: %w", err)
	}
	unlock := release
	return func() error {
		defer done()
		return unlock()
	}, nil
}

// limit is how many of the N slots may be taken now.
func (s Slots) limit() int {
	if s.Limit == nil {
		return s.N
	}
	return min(s.N, max(s.Limit(), 1))
}

// lockArrival is ctx's operation's arrival as a line's order key.
func lockArrival(ctx context.Context) int64 { return lock.ArrivalKey(lock.Arrival(ctx)) }

// AcquireOutOfLine blocks until this process holds one of the N slots,
// whatever the adaptive limit, or ctx ends, without joining the line (see
// [lock.Slots.AcquireOutOfLine]): it polls every slot without blocking,
// pausing at most 10 ms.
func (s Slots) AcquireOutOfLine(ctx context.Context) (release func() error, err error) {
	return s.take(ctx, s.anyOn)
}

// anyOn takes any of the N slots on c, polling without the line.
func (s Slots) anyOn(ctx context.Context, c *pgxpool.Conn) (release func() error, err error) {
	prefix := slotPrefix(s.Locks.Scope, s.stem())
	pause := time.Millisecond
	for {
		var key int64
		err := c.QueryRow(ctx, trySlot, s.N, rand.N(s.N), prefix).Scan(&key)
		if err == nil {
			return unlocker(c, "SELECT pg_advisory_unlock($1)", key), nil
		}
		if !isNoRows(err) {
			return nil, err
		}
		if pause, err = backOff(ctx, pause); err != nil {
			return nil, err
		}
	}
}

// backOff waits about pause (jittered: half to one and a half times it),
// or until ctx ends, and returns the next pause: doubled, at most 10 ms.
func backOff(ctx context.Context, pause time.Duration) (time.Duration, error) {
	t := time.NewTimer(pause/2 + rand.N(pause))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return pause, ctx.Err()
	case <-t.C:
	}
	return min(pause*2, 10*time.Millisecond), nil
}

func (s Slots) stem() string { return cmp.Or(s.Name, "slot") }

// slotPrefix is the text whose hash with a slot's number appended is that
// slot's key (the server computes it: hashtextextended). It depends on
// the scope's [Key], so scopes do not share slots.
func slotPrefix(scope, stem string) string {
	return strconv.FormatInt(Key(scope, stem), 16) + "-"
}
