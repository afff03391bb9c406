package berth

import (
	"context"
	"path/filepath"

	"github.com/berth-dev/berth/internal/acquire"
	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/gc"
	"github.com/berth-dev/berth/internal/leases"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/proc"
	"github.com/berth-dev/berth/internal/query"
	"github.com/berth-dev/berth/internal/release"
	"github.com/berth-dev/berth/internal/restart"
	"github.com/berth-dev/berth/internal/revive"
	"github.com/berth-dev/berth/internal/stats"
	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/watch"
)

// system is the daemon's state (its store and locks) and the subsystems
// wired over it, each given only what it uses.
type system struct {
	db        store.Store
	leases    *leases.Book
	acquirer  *acquire.Acquirer
	releaser  *release.Releaser
	restarter *restart.Restarter
	collector *gc.Collector
	reporter  *stats.Reporter
	queries   *query.Queries
	reviver   *revive.Reviver
	locks     envLocks // environment locks: the state directory's, or the store's (locksOf)
}

// system opens the daemon's state directory and store on first use (this
// asks the daemon its ID; see [Manager.openState]) and wires the
// subsystems.
func (m *Manager) system(ctx context.Context) (*system, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sys != nil {
		return m.sys, nil
	}
	dir, db, state, err := m.openState(ctx)
	if err != nil {
		return nil, err
	}
	envSet, _ := config.EnvFromEnv(m.getenv) // bad values were refused before any Docker call
	eng := m.conn
	locks, leaseLocks := m.locksOf(dir, state)
	files := filepath.Join(dir, "files") // secrets and configs written for environments
	book := &leases.Book{Store: db, Now: m.clock.Now, Locks: leaseLocks, Host: m.host,
		Alive: proc.Alive, StartTime: proc.StartTime}
	s := &system{db: db, leases: book, locks: locks}
	wait := lifecycle.DefaultWaitTimeout
	if envSet.WaitTimeout != nil {
		wait = *envSet.WaitTimeout
	}
	s.reviver = &revive.Reviver{Engine: eng, Store: db, Clock: m.clock, Log: m.log, WaitTimeout: wait,
		Vars: func(st lifecycle.EnvStatus) map[string]string { return acquire.Vars(eng.Endpoint(), st) }}
	s.acquirer = &acquire.Acquirer{Engine: eng, Store: db, Locks: locks, Leases: book, Clock: m.clock, Log: m.log,
		State: state, FilesDir: files, Reservations: m.claimsOf(dir, state),
		Watch: func(ctx context.Context, envID string) func() {
			w := watch.Start(ctx, eng, db, envID, m.log)
			return func() { _ = w.Close() }
		}, Reviver: s.reviver}
	s.releaser = &release.Releaser{Engine: eng, Store: db, Locks: locks, Leases: book, Clock: m.clock, Log: m.log,
		FilesDir: files, State: state}
	s.restarter = &restart.Restarter{Engine: eng, Store: db, Locks: locks, Clock: m.clock, Log: m.log,
		WaitTimeout: lifecycle.DefaultWaitTimeout}
	s.collector = &gc.Collector{Engine: eng, Store: db, Leases: book, Locks: locks, Clock: m.clock, Log: m.log,
		State: state, Host: m.host, EnvStaleAfter: envSet.StaleAfter, FilesDir: files}
	s.reporter = &stats.Reporter{Engine: eng, Gate: m.conn, Store: db, Clock: m.clock, Log: m.log}
	s.queries = &query.Queries{Engine: eng, Store: db, Leases: book, Log: m.log}
	m.sys = s
	return s, nil
}
