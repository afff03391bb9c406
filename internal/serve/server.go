package serve

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/berth-dev/berth/internal/clock"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/gate"
	"github.com/berth-dev/berth/internal/gc"
	"github.com/berth-dev/berth/internal/policy"
	"github.com/berth-dev/berth/internal/query"
	"github.com/berth-dev/berth/internal/store"
)

// Daemon is the gated connection as serve uses it.
type Daemon interface {
	Endpoint() string
	Heartbeat(ctx context.Context, timeout time.Duration) (gate.Beat, error)
	Breaker(ctx context.Context) (policy.BreakerState, error)
	DiskUsage(ctx context.Context) (engine.DiskUsage, error)
}

// Store is what serve reads from the shared store, and where it keeps its
// gc runs.
type Store interface {
	Envs(ctx context.Context) ([]store.Env, error)
	AllLeases(ctx context.Context) ([]store.Lease, error)
	Usage(ctx context.Context, since time.Time) ([]store.UsageRecord, error)
	Ops(ctx context.Context, since time.Time) ([]store.OpRecord, error)
	AllRestarts(ctx context.Context, since time.Time) ([]store.RestartRecord, error)
	EventsSince(ctx context.Context, since time.Time) ([]store.EventRecord, error)
	GCRuns(ctx context.Context, since time.Time) ([]store.GCRunRecord, error)
	RecordGCRun(ctx context.Context, r store.GCRunRecord) error
}

// Intervals of serve's loops (see [Server]).
const (
	DefaultPingEvery   = 5 * time.Second
	DefaultSampleEvery = 10 * time.Second
	DefaultDiskEvery   = 10 * time.Minute
	DefaultGCEvery     = time.Hour
	// pingTimeout is how long a ping may take before the daemon counts as
	// not answering.
	pingTimeout = 3 * time.Second
)

// Server is one `berth serve`. Fill in the fields, then call [Server.Run].
type Server struct {
	Daemon Daemon
	Store  Store
	// Live judges a lease (leases.Book.Live: its lock held).
	Live func(store.Lease) bool
	// List describes the environments as `berth ps` does.
	List func(ctx context.Context) ([]query.EnvInfo, error)
	// GC runs the same cleanup as `berth gc`.
	GC func(ctx context.Context, o gc.Options) (gc.Report, error)
	// FlushOps writes serve's own Docker calls to the store's op log.
	FlushOps func(ctx context.Context) error
	// Watch records every environment's container events until stop,
	// calling onBreak each time the event stream breaks.
	Watch func(ctx context.Context, onBreak func()) (stop func())
	// OnDaemonBack, when set, is called (in its own goroutine) each time
	// the daemon answers again after it was seen down, or answers a ping
	// after the event stream broke (a daemon that restarted between two
	// pings): the hook for bringing back the environments a daemon restart
	// stopped (issue 15, item 6). It must be safe to call when nothing
	// needs it.
	OnDaemonBack func(ctx context.Context) error
	Clock        clock.Clock
	Log          *slog.Logger

	Addr    string // host:port to listen on (checked by [CheckAddr])
	Token   string // bearer token every request needs; "" on loopback
	GCEvery time.Duration
	GCMode  gc.Mode // Safe or Normal
	NoGC    bool

	// Loop intervals; zero takes the defaults.
	PingEvery, SampleEvery, DiskEvery time.Duration
	// Listening, when set, is told the address the server listens on
	// (with a port of 0, the one chosen).
	Listening func(addr string)

	mon  *monitor
	once sync.Once
	// broke is set when the event stream broke since the last ping.
	broke atomic.Bool
}

func (s *Server) init() {
	s.once.Do(func() {
		s.mon = newMonitor()
		if s.Log == nil {
			s.Log = slog.New(slog.DiscardHandler)
		}
		if s.Clock == nil {
			s.Clock = clock.Real{}
		}
		s.PingEvery = cmpOr(s.PingEvery, DefaultPingEvery)
		s.SampleEvery = cmpOr(s.SampleEvery, DefaultSampleEvery)
		s.DiskEvery = cmpOr(s.DiskEvery, DefaultDiskEvery)
		s.GCEvery = cmpOr(s.GCEvery, DefaultGCEvery)
	})
}

func cmpOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Handler is serve's HTTP surface: /, /api/status and /metrics, read-only,
// behind the token when one is set.
func (s *Server) Handler() http.Handler {
	s.init()
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metricsHandler())
	mux.HandleFunc("GET /api/status", s.serveStatus)
	mux.HandleFunc("GET /{$}", s.servePage)
	return RequireToken(s.Token, readOnly(mux))
}

// Run listens on Addr, runs the watch, sampling, disk and gc loops and
// serves until ctx ends, then stops the loops and the server (in-flight
// requests get up to 5 s) and returns nil. A listener that cannot be
// opened is an error.
func (s *Server) Run(ctx context.Context) error {
	s.init()
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	if s.Listening != nil {
		s.Listening(addr)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	loops, stopLoops := context.WithCancel(ctx)
	var wg sync.WaitGroup
	s.startLoops(loops, &wg)
	s.Log.Info("serving", "addr", "http://"+addr, "daemon", s.Daemon.Endpoint(), "gc", s.gcSummary())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err = <-served:
	}
	stopLoops()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	serr := srv.Shutdown(sctx)
	wg.Wait()
	if s.FlushOps != nil {
		if ferr := s.FlushOps(sctx); ferr != nil {
			s.Log.Warn("record docker operations", "err", ferr)
		}
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	s.Log.Info("stopped")
	return serr
}

func (s *Server) gcSummary() string {
	if s.NoGC {
		return "off"
	}
	return s.GCMode.String() + " every " + s.GCEvery.String()
}
