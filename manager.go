package berth

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/connect"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/proc"
	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/sqlite"
)

// Manager is berth's view of one Docker daemon: the gated connection, the
// shared state directory and its store. Safe for concurrent use. Open one
// per process; [Acquire] opens one for you.
type Manager struct {
	conn   *connect.Conn
	getenv func(string) string
	log    *slog.Logger
	host   string
	now    func() time.Time

	mu      sync.Mutex // guards the lazily opened state below
	db      store.Store
	locks   lock.Dir
	stateID string // labels.StateOf the state directory
}

// Open validates berth's settings and prepares the connection to the
// daemon. It makes no Docker call: a bad setting is reported before any.
func Open(getenv func(string) string, log *slog.Logger) (*Manager, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	conn, err := connect.FromEnv(getenv, log)
	if err != nil {
		return nil, err
	}
	return &Manager{conn: conn, getenv: getenv, log: log, host: proc.Host(), now: time.Now}, nil
}

// Close writes this process's Docker calls to the store's op log (for
// `berth stats`), then releases the store and the connection.
func (m *Manager) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var errs []error
	if m.db != nil {
		ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
		if err := m.flushOps(ctx, m.db); err != nil {
			m.log.Warn("record docker operations", "err", err)
		}
		cancel()
		errs = append(errs, m.db.Close())
		m.db = nil
	}
	errs = append(errs, m.conn.Close())
	return errors.Join(errs...)
}

// state opens the daemon's state directory and store on first use (this
// asks the daemon its ID).
func (m *Manager) state(ctx context.Context) (store.Store, lock.Dir, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.db != nil {
		return m.db, m.locks, nil
	}
	dir, err := m.conn.StateDir(ctx)
	if err != nil {
		return nil, lock.Dir{}, err
	}
	db, err := sqlite.Open(ctx, filepath.Join(dir, "berth.db"))
	if err != nil {
		return nil, lock.Dir{}, err
	}
	m.db, m.locks, m.stateID = db, lock.Dir{Path: dir}, labels.StateOf(dir)
	return db, m.locks, nil
}

// envLock takes the kernel lock of one environment.
func (m *Manager) envLock(ctx context.Context, locks lock.Dir, envID string) (func() error, error) {
	return locks.Acquire(ctx, "env-"+envID)
}
