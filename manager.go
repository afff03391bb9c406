package berth

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/berth-dev/berth/internal/clock"
	"github.com/berth-dev/berth/internal/connect"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/proc"
	"github.com/berth-dev/berth/internal/resolve"
)

// flushTimeout bounds writing this process's op records at Close.
const flushTimeout = 5 * time.Second

// Manager is berth's view of one Docker daemon: the gated connection, the
// shared state directory and its store, and the subsystems that work over
// them. Safe for concurrent use. Open one per process; [Acquire] opens one
// for you.
type Manager struct {
	conn   *connect.Conn
	clock  clock.Clock
	getenv func(string) string
	log    *slog.Logger
	host   string
	res    resolve.Resolver

	mu  sync.Mutex // guards sys
	sys *system    // opened on first use: it asks the daemon its ID
}

// Open validates berth's settings and prepares the connection to the
// daemon. It makes no Docker call: a bad setting is reported before any.
func Open(getenv func(string) string, log *slog.Logger) (*Manager, error) {
	return open(getenv, log, nil, clock.Real{})
}

// open is [Open] over engine eng (nil: the Docker daemon the environment
// names) and clock clk. Unit tests pass the in-memory fake and a fake
// clock; nothing else differs.
func open(getenv func(string) string, log *slog.Logger, eng engine.Engine, clk clock.Clock) (*Manager, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	conn, err := connect.Over(eng, getenv, log)
	if err != nil {
		return nil, err
	}
	return &Manager{conn: conn, clock: clk, getenv: getenv, log: log, host: proc.Host(),
		res: resolve.Resolver{Getenv: getenv, Version: Version(), Now: clk.Now, Cache: composeCache(conn)}}, nil
}

// Close writes this process's Docker calls to the store's op log (for
// `berth stats`), then releases the store and the connection.
func (m *Manager) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var errs []error
	if m.sys != nil {
		ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
		if err := m.sys.reporter.FlushOps(ctx); err != nil {
			m.log.Warn("record docker operations", "err", err)
		}
		cancel()
		errs = append(errs, m.sys.db.Close())
		m.sys = nil
	}
	errs = append(errs, m.conn.Close())
	return errors.Join(errs...)
}
