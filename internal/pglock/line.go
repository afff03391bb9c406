package pglock

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// LineSchema creates the table of the waiters in slots' lines ([line]).
const LineSchema = `CREATE TABLE IF NOT EXISTS berth_slot_line (
  line    bigint NOT NULL,
  arrival bigint NOT NULL,
  seq     bigserial,
  ticket  bigint NOT NULL,
  PRIMARY KEY (line, arrival, seq)
)`

// line is the first-come-first-served queue in front of a set of slots,
// across hosts: each waiter is a row (line, arrival, seq, ticket) and
// holds the advisory lock ticket while it waits, on the connection it
// waits on. Rows are served by arrival (their operations' arrival, see
// [lock.WithArrival]), then seq. Only the waiter with no live row before
// its own (the head) tries for a slot; every other waiter waits on the
// ticket of the live row just before its own (a shared lock, granted when
// that waiter lets go or its session ends) and looks again. A row whose
// ticket nobody holds belongs to a waiter that left or died: whoever finds
// it deletes it. A row of an earlier arrival that joins later goes ahead
// of those already waiting; the head looks before each try.
type line struct {
	key int64 // Key(scope, "<stem>-line")
}

// lineTicket is a waiter's row.
type lineTicket struct {
	arrival, seq, ticket int64
}

// join inserts this waiter's row, holding its ticket's lock (a random key;
// another one is drawn if it is taken).
func (l line) join(ctx context.Context, c *pgxpool.Conn, arrival int64) (lineTicket, error) {
	for {
		t := lineTicket{arrival: arrival, ticket: rand.Int64()}
		err := c.QueryRow(ctx, `INSERT INTO berth_slot_line (line, arrival, ticket)
SELECT $1, $2, $3 WHERE pg_try_advisory_lock($3) RETURNING seq`, l.key, arrival, t.ticket).Scan(&t.seq)
		if !isNoRows(err) {
			return t, err
		}
	}
}

// leave deletes t's row and lets its ticket go, in one round trip (the
// row first: a reader finding a row with no holder drops it anyway). On
// failure the caller discards c: its session's end lets the ticket go.
func (l line) leave(c *pgxpool.Conn, t lineTicket) error {
	ctx, cancel := context.WithTimeout(context.Background(), tryTimeout)
	defer cancel()
	b := &pgx.Batch{}
	b.Queue("DELETE FROM berth_slot_line WHERE line = $1 AND arrival = $2 AND seq = $3", l.key, t.arrival, t.seq)
	b.Queue("SELECT pg_advisory_unlock($1)", t.ticket)
	return c.SendBatch(ctx, b).Close()
}

// aheadQuery lists the tickets of the rows before a place, nearest first.
const aheadQuery = `SELECT ticket, arrival, seq FROM berth_slot_line
WHERE line = $1 AND (arrival, seq) < ($2, $3) ORDER BY arrival DESC, seq DESC`

// liveAhead returns the ticket of the nearest live row among rows (those
// before t, nearest first), deleting the rows of waiters that are gone;
// ok is false when none is live.
func (l line) liveAhead(ctx context.Context, c *pgxpool.Conn, rows []lineTicket) (ticket int64, ok bool, err error) {
	for _, r := range rows {
		var held bool
		err := c.QueryRow(ctx, `SELECT CASE WHEN pg_try_advisory_lock_shared($1)
  THEN NOT pg_advisory_unlock_shared($1) ELSE true END`, r.ticket).Scan(&held)
		if err != nil {
			return 0, false, err
		}
		if held {
			return r.ticket, true, nil
		}
		if _, err := c.Exec(ctx, "DELETE FROM berth_slot_line WHERE line = $1 AND arrival = $2 AND seq = $3",
			l.key, r.arrival, r.seq); err != nil {
			return 0, false, err
		}
	}
	return 0, false, nil
}

// waitBehind blocks until the waiter holding ticket lets it go (it reached
// a slot, gave up or died), or ctx ends.
func waitBehind(ctx context.Context, c *pgxpool.Conn, ticket int64) error {
	b := &pgx.Batch{}
	b.Queue("SELECT pg_advisory_lock_shared($1)", ticket)
	b.Queue("SELECT pg_advisory_unlock_shared($1)", ticket)
	return c.SendBatch(ctx, b).Close()
}

// acquireOn takes a slot on c: at once when nobody waits and one is free
// (one round trip), else by joining the line ([line]). On failure the
// caller discards c, and with its session whatever it held.
func (s Slots) acquireOn(ctx context.Context, c *pgxpool.Conn) (release func() error, err error) {
	l := line{key: Key(s.Locks.Scope, s.stem()+"-line")}
	prefix := slotPrefix(s.Locks.Scope, s.stem())
	n := s.limit()
	var key int64
	err = c.QueryRow(ctx, trySlotIfNobodyWaits, n, rand.N(n), prefix, l.key).Scan(&key)
	if err == nil {
		return unlocker(c, "SELECT pg_advisory_unlock($1)", key), nil
	}
	if !isNoRows(err) {
		return nil, err
	}
	t, err := l.join(ctx, c, lockArrival(ctx))
	if err != nil {
		return nil, fmt.Errorf("join the line: %w", err)
	}
	defer func() {
		if lerr := l.leave(c, t); lerr != nil && err == nil {
			// The caller discards c: the slot goes with its session.
			release, err = nil, fmt.Errorf("leave the line: %w", lerr)
		}
	}()
	pause := time.Millisecond
	for {
		// The rows ahead and a try for a slot go in one round trip; a
		// slot taken while a live waiter is ahead is given back.
		n := s.limit()
		b := &pgx.Batch{}
		b.Queue(aheadQuery, l.key, t.arrival, t.seq)
		b.Queue(trySlot, n, rand.N(n), prefix)
		br := c.SendBatch(ctx, b)
		rows, err := br.Query()
		var ahead []lineTicket
		if err == nil {
			ahead, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (lineTicket, error) {
				var lt lineTicket
				return lt, r.Scan(&lt.ticket, &lt.arrival, &lt.seq)
			})
		}
		got := false
		if err == nil {
			err = br.QueryRow().Scan(&key)
			got = err == nil
			if isNoRows(err) {
				err = nil
			}
		}
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		waitOn, waiting, err := l.liveAhead(ctx, c, ahead)
		if err != nil {
			return nil, err
		}
		if got && !waiting {
			return unlocker(c, "SELECT pg_advisory_unlock($1)", key), nil
		}
		if got { // not our turn after all
			if _, err := c.Exec(ctx, "SELECT pg_advisory_unlock($1)", key); err != nil {
				return nil, err
			}
		}
		if waiting {
			if err := waitBehind(ctx, c, waitOn); err != nil {
				return nil, err
			}
			pause = time.Millisecond
			continue
		}
		if pause, err = backOff(ctx, pause); err != nil {
			return nil, err
		}
	}
}

// trySlotIfNobodyWaits is trySlot when line $4 has no waiter, else no row
// (the line's emptiness is a one-time filter, checked before any slot's
// lock is tried). A waiter joining at the same moment may be passed once.
const trySlotIfNobodyWaits = `SELECT k FROM (SELECT ($2::int + s) % $1::int AS i FROM generate_series(0, $1::int - 1) s) o,
LATERAL (SELECT hashtextextended($3 || o.i::text, 0) AS k) h
WHERE NOT EXISTS (SELECT 1 FROM berth_slot_line WHERE line = $4) AND pg_try_advisory_lock(h.k) LIMIT 1`

// Waiting counts the live waiters in the line.
func (s Slots) Waiting(ctx context.Context) (n int, err error) {
	l := line{key: Key(s.Locks.Scope, s.stem()+"-line")}
	err = withSchema(ctx, s.Locks.Pool, func() error {
		return s.Locks.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE CASE WHEN pg_try_advisory_lock_shared(ticket)
  THEN NOT pg_advisory_unlock_shared(ticket) ELSE true END) FROM berth_slot_line WHERE line = $1`, l.key).Scan(&n)
	})
	return n, err
}
