package berth

import (
	"context"
	"errors"
	"path/filepath"

	"github.com/berth-dev/berth/internal/acquire"
	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/gc"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/leases"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/proc"
	"github.com/berth-dev/berth/internal/query"
	"github.com/berth-dev/berth/internal/release"
	"github.com/berth-dev/berth/internal/restart"
	"github.com/berth-dev/berth/internal/statedir"
	"github.com/berth-dev/berth/internal/stats"
	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/sqlite"
	"github.com/berth-dev/berth/internal/watch"
)

// system is the daemon's state (its store and locks) and the subsystems
// wired over it, each given only what it uses.
type system struct {
	db        store.Store
	locks     lock.Dir
	leases    *leases.Book
	acquirer  *acquire.Acquirer
	releaser  *release.Releaser
	restarter *restart.Restarter
	collector *gc.Collector
	reporter  *stats.Reporter
	queries   *query.Queries
}

// system opens the daemon's state directory and store on first use (this
// asks the daemon its ID) and wires the subsystems.
func (m *Manager) system(ctx context.Context) (*system, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sys != nil {
		return m.sys, nil
	}
	dir, err := m.conn.StateDir(ctx)
	if err != nil {
		return nil, err
	}
	db, err := sqlite.Open(ctx, filepath.Join(dir, "berth.db"))
	if err != nil {
		return nil, err
	}
	envSet, _ := config.EnvFromEnv(m.getenv) // bad values were refused before any Docker call
	id, err := statedir.ID(dir)
	if err != nil {
		return nil, errors.Join(err, db.Close())
	}
	locks, state, eng := lock.Dir{Path: dir}, labels.Identity{Path: labels.StateOf(dir), ID: id}, m.conn
	files := filepath.Join(dir, "files") // secrets and configs written for environments
	book := &leases.Book{Store: db, Now: m.clock.Now, Locks: &leases.Locks{Dir: dir}, Host: m.host,
		Alive: proc.Alive, StartTime: proc.StartTime}
	s := &system{db: db, leases: book, locks: locks}
	s.acquirer = &acquire.Acquirer{Engine: eng, Store: db, Locks: locks, Leases: book, Clock: m.clock, Log: m.log,
		State: state, FilesDir: files, Reservations: lock.Claims{Dir: lock.Dir{Path: filepath.Join(dir, "memory")}},
		Watch: func(ctx context.Context, envID string) func() {
			w := watch.Start(ctx, eng, db, envID, m.log)
			return func() { _ = w.Close() }
		}}
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
