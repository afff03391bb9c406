package pglock

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// LeaseLocks are the lease locks of one scope. A lease is live while its
// holder (the process that acquired it, or a keeper following that
// process) holds the lease's advisory lock exclusively on a connection of
// its own ([LeaseLocks.Hold]); any host probes it without blocking the
// holder and without ever making it look dead ([LeaseLocks.Probe]).
type LeaseLocks struct {
	Pool  *pgxpool.Pool // for probes; holders open their own connection from its config
	Scope string
	// Grace is [Grace] unless set (tests).
	Grace time.Duration
}

// retakeMaxPause bounds the pause between a holder's attempts to reconnect
// after its connection was lost.
const retakeMaxPause = 2 * time.Second

// NewLeaseName makes a fresh lease lock name ("h-" and 16 random hex
// digits, as the file backend's).
func NewLeaseName() (string, error) {
	var b [8]byte
	if _, err := crand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make lease lock name: %w", err)
	}
	return "h-" + hex.EncodeToString(b[:]), nil
}

// Probe judges lock name ([Judge]): held, dead, or free within the grace
// period after the database started. It takes the lock shared without
// waiting and drops it in the same statement: it fails only while a holder
// has it exclusively, and probers never exclude each other.
func (k LeaseLocks) Probe(ctx context.Context, name string) (Liveness, error) {
	var held bool
	var up float64
	err := onConn(ctx, k.Pool, func(c *pgxpool.Conn) (bool, error) {
		return false, c.QueryRow(ctx, `SELECT
  CASE WHEN pg_try_advisory_lock_shared($1) THEN NOT pg_advisory_unlock_shared($1) ELSE true END,
  extract(epoch FROM clock_timestamp() - pg_postmaster_start_time())::float8`,
			Key(k.Scope, name)).Scan(&held, &up)
	})
	if err != nil {
		return Dead, fmt.Errorf("probe lease lock %s: %w", name, err)
	}
	grace := k.Grace
	if grace == 0 {
		grace = Grace
	}
	return Judge(held, time.Duration(up*float64(time.Second)), grace), nil
}

// HeldLease is a lease lock held by this process on a connection of its
// own. When the connection is lost (a database restart), it reconnects
// and takes the lock again, until released.
type HeldLease struct {
	Name    string
	cancel  context.CancelFunc
	done    chan struct{}
	retakes atomic.Int64
	held    atomic.Bool
	// wanted, when set, is asked before the lock is taken again after a
	// lost connection: false (the lease was released meanwhile) stops.
	wanted func(ctx context.Context) (bool, error)
	mu     sync.Mutex
	conn   *pgx.Conn
}

// Hold takes lock name exclusively on a new connection and keeps it until
// [HeldLease.Release]. It fails when the lock cannot be taken within ctx.
func (k LeaseLocks) Hold(ctx context.Context, name string) (*HeldLease, error) {
	return k.HoldWhile(ctx, name, nil)
}

// HoldWhile is [LeaseLocks.Hold] that, after a lost connection, takes the
// lock again only while wanted says so (nil: always).
func (k LeaseLocks) HoldWhile(ctx context.Context, name string, wanted func(context.Context) (bool, error)) (*HeldLease, error) {
	key := Key(k.Scope, name)
	cfg := k.Pool.Config().ConnConfig
	conn, err := takeLease(ctx, cfg, key)
	if err != nil {
		return nil, fmt.Errorf("take lease lock %s: %w", name, err)
	}
	wctx, cancel := context.WithCancel(context.Background())
	h := &HeldLease{Name: name, cancel: cancel, done: make(chan struct{}), conn: conn, wanted: wanted}
	h.held.Store(true)
	go h.keep(wctx, cfg, key)
	return h, nil
}

// takeLease connects and takes key exclusively, waiting for probers that
// hold it shared for an instant.
func takeLease(ctx context.Context, cfg *pgx.ConnConfig, key int64) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, cfg.Copy())
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		_ = conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

// keep waits on the connection until it ends (reading from it returns
// only then: nobody sends this session notifications), then reconnects
// and takes the lock again, until ctx ends.
func (h *HeldLease) keep(ctx context.Context, cfg *pgx.ConnConfig, key int64) {
	defer close(h.done)
	for {
		h.mu.Lock()
		conn := h.conn
		h.mu.Unlock()
		err := conn.PgConn().WaitForNotification(ctx)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			continue // a notification nobody asked for
		}
		h.held.Store(false)
		_ = conn.Close(context.Background())
		pause := 50 * time.Millisecond
		for {
			tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			var next *pgx.Conn
			want, err := true, error(nil)
			if h.wanted != nil {
				want, err = h.wanted(tctx)
			}
			if err == nil && !want {
				cancel()
				return // released while we were away: hold it no more
			}
			if err == nil {
				next, err = takeLease(tctx, cfg, key)
			}
			cancel()
			if err == nil {
				h.mu.Lock()
				h.conn = next
				h.mu.Unlock()
				h.held.Store(true)
				h.retakes.Add(1)
				break
			}
			t := time.NewTimer(pause/2 + rand.N(pause))
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			pause = min(pause*2, retakeMaxPause)
		}
	}
}

// Held reports whether the lock is held now (false while reconnecting).
func (h *HeldLease) Held() bool { return h.held.Load() }

// Retakes is how many times the lock was taken again after its connection
// was lost.
func (h *HeldLease) Retakes() int64 { return h.retakes.Load() }

// Release lets the lock go: the connection is closed and the server drops
// the lock with its session. Calling it again is harmless.
func (h *HeldLease) Release() error {
	if h == nil {
		return nil
	}
	h.cancel()
	<-h.done
	h.mu.Lock()
	defer h.mu.Unlock()
	h.held.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return h.conn.Close(ctx)
}
