package pglock

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/berth-dev/berth/internal/leases"
)

// LeaseSet is the lease locks of one scope as a leases.LockSet: every
// lock is held by its holder ([LeaseLocks.Hold]) or by a keeper process
// ([Keep]) and also named by a row of berth_lease_lock, which says the
// lease is still wanted: release and reaping delete the row, and a holder
// that lost its connection (a database restart) takes its lock again only
// while its row is there; a keeper exits when it goes.
type LeaseSet struct {
	Leases LeaseLocks
	// DSN is passed to keeper processes (in BERTH_STORE).
	DSN string
}

var _ leases.LockSet = LeaseSet{}

// probeTimeout bounds one probe or row update of [LeaseSet], whose
// methods have no context of their own.
const probeTimeout = 10 * time.Second

// KeeperLock prefixes a keeper's --lock argument for a PostgreSQL lock:
// "pglock:<escaped scope>/<name>".
const KeeperLock = "pglock:"

// Take holds a new lease lock for holder pid: in this process when pid is
// 0 or this process, else in a keeper process started with keeper (nil
// when none is given: the lease is judged by the fallback).
func (s LeaseSet) Take(pid int, keeper []string) (leases.Pending, error) {
	own := pid == 0 || pid == os.Getpid()
	if !own && len(keeper) == 0 {
		return nil, nil
	}
	name, err := NewLeaseName()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	if err := s.register(ctx, name); err != nil {
		return nil, err
	}
	if !own {
		arg := KeeperLock + url.PathEscape(s.Leases.Scope) + "/" + name
		k, err := leases.StartKeeperOf(keeper, name, arg, []string{"BERTH_STORE=" + s.DSN}, func() { _ = s.Remove(name) }, pid)
		if err != nil {
			_ = s.Remove(name)
			return nil, err
		}
		return k, nil
	}
	h, err := s.Leases.HoldWhile(ctx, name, s.wanted(name))
	if err != nil {
		_ = s.Remove(name)
		return nil, err
	}
	return ownLease{h: h, set: s}, nil
}

// ownLease is a lease lock held in this process.
type ownLease struct {
	h   *HeldLease
	set LeaseSet
}

func (o ownLease) Held(context.Context) (string, error) { return o.h.Name, nil }

// Drop forgets the lock's row and lets the lock go.
func (o ownLease) Drop() {
	_ = o.set.Remove(o.h.Name)
	_ = o.h.Release()
}

func (s LeaseSet) register(ctx context.Context, name string) error {
	err := withSchema(ctx, s.Leases.Pool, func() error {
		_, err := s.Leases.Pool.Exec(ctx, "INSERT INTO berth_lease_lock (scope, name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
			s.Leases.Scope, name)
		return err
	})
	if err != nil {
		return fmt.Errorf("record lease lock %s: %w", name, err)
	}
	return nil
}

// wanted reports whether lock name's row is still there.
func (s LeaseSet) wanted(name string) func(context.Context) (bool, error) {
	return func(ctx context.Context) (bool, error) {
		var ok bool
		err := s.Leases.Pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM berth_lease_lock WHERE scope = $1 AND name = $2)",
			s.Leases.Scope, name).Scan(&ok)
		return ok, err
	}
}

// Probe reports whether lock name is held, or may be about to be held
// again (within [Grace] of a database start): see [LeaseLocks.Probe].
func (s LeaseSet) Probe(name string) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	v, err := s.Leases.Probe(ctx, name)
	if err != nil {
		return false, err
	}
	return v.Live(), nil
}

// Remove deletes lock name's row: its holder lets go when it next looks
// (a keeper, within a second) and never takes it again.
func (s LeaseSet) Remove(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	_, err := s.Leases.Pool.Exec(ctx, "DELETE FROM berth_lease_lock WHERE scope = $1 AND name = $2", s.Leases.Scope, name)
	if err != nil {
		return fmt.Errorf("forget lease lock %s: %w", name, err)
	}
	return nil
}

// Sweep deletes the rows of locks no lease names, older than minAge and
// not held (left by a process killed between taking its lock and
// recording its lease).
func (s LeaseSet) Sweep(keep map[string]bool, minAge time.Duration, now time.Time) (removed int) {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	rows, err := s.Leases.Pool.Query(ctx, "SELECT name FROM berth_lease_lock WHERE scope = $1 AND created_at < $2",
		s.Leases.Scope, now.Add(-minAge))
	if err != nil {
		return 0
	}
	var names []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil && !keep[n] {
			names = append(names, n)
		}
	}
	rows.Close()
	for _, n := range names {
		if v, err := s.Leases.Probe(ctx, n); err == nil && !v.Live() && s.Remove(n) == nil {
			removed++
		}
	}
	return removed
}

// Tag records the environment of lock name's lease in its row.
func (s LeaseSet) Tag(name, envID string) error {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	err := withSchema(ctx, s.Leases.Pool, func() error {
		_, err := s.Leases.Pool.Exec(ctx, "UPDATE berth_lease_lock SET env_id = $3 WHERE scope = $1 AND name = $2",
			s.Leases.Scope, name, envID)
		return err
	})
	if err != nil {
		return fmt.Errorf("tag lease lock %s: %w", name, err)
	}
	return nil
}

// HeldOn returns the locks tagged with envID that are live ([Liveness]:
// held, or settling after a database restart). A database that does not
// answer gives none: the store's records of the leases still count.
func (s LeaseSet) HeldOn(envID string) []string {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	rows, err := s.Leases.Pool.Query(ctx, "SELECT name FROM berth_lease_lock WHERE scope = $1 AND env_id = $2",
		s.Leases.Scope, envID)
	if err != nil {
		return nil
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil
	}
	var held []string
	for _, n := range names {
		if v, err := s.Leases.Probe(ctx, n); err == nil && v.Live() {
			held = append(held, n)
		}
	}
	return held
}

// Keep is the keeper process's work for a PostgreSQL lease lock (lock is
// its --lock argument, [KeeperLock]…; the database is $BERTH_STORE): hold
// the lock while process pid lives and the lease is wanted
// ([leases.KeepHeld]).
func Keep(lock string, pid int, start uint64, ready interface {
	Write([]byte) (int, error)
	Close() error
}) error {
	return leases.KeepHeld(func() (func() bool, func(), error) {
		scope, name, err := parseKeeperLock(lock)
		if err != nil {
			return nil, nil, err
		}
		ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
		defer cancel()
		pool, err := Connect(ctx, os.Getenv("BERTH_STORE"))
		if err != nil {
			return nil, nil, err
		}
		set := LeaseSet{Leases: LeaseLocks{Pool: pool, Scope: scope}}
		h, err := set.Leases.HoldWhile(ctx, name, set.wanted(name))
		if err != nil {
			pool.Close()
			return nil, nil, fmt.Errorf("take lease lock %s: %w", name, err)
		}
		wanted := func() bool {
			ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
			defer cancel()
			ok, err := set.wanted(name)(ctx)
			return ok || err != nil // a database that does not answer is no release
		}
		return wanted, func() { _ = h.Release(); pool.Close() }, nil
	}, pid, start, ready)
}

func parseKeeperLock(lock string) (scope, name string, err error) {
	rest, ok := strings.CutPrefix(lock, KeeperLock)
	esc, name, ok2 := strings.Cut(rest, "/")
	if ok && ok2 {
		if scope, err = url.PathUnescape(esc); err == nil && name != "" {
			return scope, name, nil
		}
	}
	return "", "", fmt.Errorf("keeper lock %q: want %s<scope>/<name>", lock, KeeperLock)
}
