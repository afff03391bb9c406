package berth

import (
	"context"
	"os"
	"time"

	"github.com/berth-dev/berth/internal/failure"
	"github.com/berth-dev/berth/internal/gc"
	"github.com/berth-dev/berth/internal/serve"
	"github.com/berth-dev/berth/internal/watch"
)

// ServeOptions configure [Manager.Serve] (berth serve).
type ServeOptions struct {
	// Addr is host:port to listen on; a port of 0 picks one (see
	// Listening). A non-loopback host needs AllowRemote and Token.
	Addr        string
	AllowRemote bool
	// Token is the bearer token every request must carry (BERTH_SERVE_TOKEN);
	// "" on loopback lets every local request through.
	Token string
	// GCEvery is how often the scheduled gc runs (0: hourly), in GCMode
	// (safe or normal; deep is refused); NoGC turns it off.
	GCEvery time.Duration
	GCMode  GCMode
	NoGC    bool
	// Listening, when set, is told the address serve listens on.
	Listening func(addr string)
}

// ServeAlreadyRunningError is a second serve for a daemon that has one; it
// names the first.
type ServeAlreadyRunningError = serve.AlreadyRunningError

// CheckServe refuses options serve cannot run with (an [*InputError]),
// before any Docker call.
func CheckServe(o ServeOptions) error {
	if err := serve.CheckOptions(o.Addr, o.AllowRemote, o.Token, o.GCEvery, gc.Mode(o.GCMode)); err != nil {
		return failure.Input(err)
	}
	return nil
}

// Serve runs berth serve for this daemon until ctx ends: the daemon watch
// (pings that open and close the shared breaker, every environment's
// container events recorded, disk usage), the scheduled gc, and the
// read-only status page, /api/status and /metrics on o.Addr (see package
// internal/serve). One serve runs per daemon: a second one fails with
// [*ServeAlreadyRunningError].
func (m *Manager) Serve(ctx context.Context, o ServeOptions) error {
	if err := CheckServe(o); err != nil {
		return err
	}
	sys, err := m.system(ctx)
	if err != nil {
		return err
	}
	dir, err := m.conn.StateDir(ctx)
	if err != nil {
		return err
	}
	release, err := serve.Claim(dir)
	if err != nil {
		return err
	}
	defer release()
	s := &serve.Server{Daemon: m.conn, Store: sys.db, Live: sys.leases.Live, List: sys.queries.List,
		GC: sys.collector.Run, FlushOps: sys.reporter.FlushOps, Clock: m.clock, Log: m.log,
		Watch: func(ctx context.Context, onBreak func()) func() {
			w := watch.StartAll(ctx, m.conn, sys.db, m.log, onBreak)
			return func() { _ = w.Close() }
		},
		// The environments a daemon restart stopped come back as soon as
		// the daemon answers again, before any runner asks.
		OnDaemonBack: m.reviveLogged,
		Addr:         o.Addr, Token: o.Token, GCEvery: o.GCEvery, GCMode: gc.Mode(o.GCMode), NoGC: o.NoGC,
		Listening: func(addr string) {
			if err := serve.Announce(dir, serve.Instance{PID: os.Getpid(), Addr: addr, Started: time.Now()}); err != nil {
				m.log.Warn("record serve's address", "err", err)
			}
			if o.Listening != nil {
				o.Listening(addr)
			}
		}}
	return s.Run(ctx)
}

// reviveLogged is [Manager.Revive] for serve: each environment brought
// back, or not, is logged.
func (m *Manager) reviveLogged(ctx context.Context) error {
	revived, err := m.Revive(ctx)
	for _, r := range revived {
		if r.Err != nil {
			m.log.Warn("environment stopped by a daemon restart did not come back", "env", r.EnvID, "err", r.Err)
			continue
		}
		m.log.Info("environment stopped by a daemon restart is back", "env", r.EnvID, "services", r.Services,
			"changed_endpoints", len(r.Changed))
	}
	return err
}
