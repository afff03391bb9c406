package testsvc

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// shutdownGrace bounds the graceful shutdown of the HTTP servers.
const shutdownGrace = 5 * time.Second

// ExitError asks the process to exit with Code: a crash, timed or requested.
type ExitError struct {
	Code   int
	Reason string
}

func (e *ExitError) Error() string { return fmt.Sprintf("exit %d: %s", e.Code, e.Reason) }

// Options are a [Server]'s effects, injectable for tests.
type Options struct {
	Stdout io.Writer // log lines; nil discards
	// After is the clock: it returns a channel that receives once d has
	// passed. Nil means time.After.
	After func(d time.Duration) <-chan time.Time
	// Host is the address to listen on; "" means every interface.
	Host string
}

// Server runs one service as configured. Create it with [NewServer] and
// call [Server.Run] once.
type Server struct {
	cfg    Config
	opts   Options
	health Health
	mem    Holder
	crash  chan struct{} // receives POST /crash requests
	ready  chan struct{} // closed once every port listens

	mu    sync.Mutex
	addrs []net.Addr
}

// NewServer returns a Server for cfg.
func NewServer(cfg Config, opts Options) *Server {
	if opts.Stdout == nil {
		opts.Stdout = io.Discard
	}
	if opts.After == nil {
		opts.After = time.After
	}
	return &Server{cfg: cfg, opts: opts, crash: make(chan struct{}, 1), ready: make(chan struct{})}
}

// Health is the server's health state.
func (s *Server) Health() *Health { return &s.health }

// HeldMB is the memory held so far.
func (s *Server) HeldMB() int { return s.mem.HeldMB() }

// Ready is closed once every port listens.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// Addrs are the listening addresses, in port order; nil before [Server.Ready].
func (s *Server) Addrs() []net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addrs
}

// Run holds the configured memory, waits the start delay, listens and
// serves until ctx ends (then shuts down gracefully and returns nil) or the
// service crashes (returns an *[ExitError]). Start, unhealthy, crash and
// log timers all count from the call to Run.
func (s *Server) Run(ctx context.Context) error {
	fmt.Fprintf(s.opts.Stdout, "testsvc %s: starting, ports %s\n", s.cfg.Name, joinPorts(s.cfg.Ports))
	if s.cfg.Log != "" {
		fmt.Fprintln(s.opts.Stdout, s.cfg.Log)
	}
	if _, err := s.mem.Hold(s.cfg.HoldMB); err != nil {
		return fmt.Errorf("run service: %w", err)
	}
	if err := writeFile(s.cfg.WriteFile, s.cfg.WriteMB); err != nil {
		return fmt.Errorf("run service: %w", err)
	}
	var (
		srvs       []*http.Server
		errc       <-chan error // nil until listening
		startC     = s.timer(s.cfg.StartDelay)
		unhealthyC = s.timer(s.cfg.UnhealthyAfter)
		crashC     = s.timer(s.cfg.CrashAfter)
		tickC      = s.timer(s.cfg.LogEvery)
		ticks      = 0
	)
	if s.cfg.StartDelay == 0 {
		now := make(chan time.Time, 1)
		now <- time.Time{}
		startC = now
	}
	defer func() { shutdown(srvs) }()
	for {
		select {
		case <-ctx.Done():
			fmt.Fprintf(s.opts.Stdout, "testsvc %s: stopping\n", s.cfg.Name)
			return nil
		case <-startC:
			startC = nil
			var err error
			if srvs, errc, err = s.listen(); err != nil {
				return fmt.Errorf("run service: %w", err)
			}
			s.health.Ready()
			close(s.ready)
			fmt.Fprintf(s.opts.Stdout, "testsvc %s: listening on %s\n", s.cfg.Name, joinAddrs(s.Addrs()))
		case err := <-errc:
			return fmt.Errorf("run service: %w", err)
		case <-s.crash:
			return s.exit("crash requested")
		case <-crashC:
			return s.exit("crash after " + s.cfg.CrashAfter.String())
		case <-unhealthyC:
			unhealthyC = nil
			s.health.SetHealthy(false)
			fmt.Fprintf(s.opts.Stdout, "testsvc %s: unhealthy after %s\n", s.cfg.Name, s.cfg.UnhealthyAfter)
		case <-tickC:
			ticks++
			fmt.Fprintf(s.opts.Stdout, "testsvc %s: log line %d\n", s.cfg.Name, ticks)
			tickC = s.timer(s.cfg.LogEvery)
		}
	}
}

func (s *Server) exit(reason string) error {
	fmt.Fprintf(s.opts.Stdout, "testsvc %s: %s, exit %d\n", s.cfg.Name, reason, s.cfg.ExitCode)
	return &ExitError{Code: s.cfg.ExitCode, Reason: reason}
}

// timer returns a channel firing after d, or nil (never) when d is 0.
func (s *Server) timer(d time.Duration) <-chan time.Time {
	if d == 0 {
		return nil
	}
	return s.opts.After(d)
}

// requestCrash is the POST /crash callback; it never blocks.
func (s *Server) requestCrash() {
	select {
	case s.crash <- struct{}{}:
	default:
	}
}
