package e2e

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sockProxy forwards a unix socket to the daemon's until stopped: the
// test's way to take "the daemon" away from berth and give it back
// without touching the real one.
type sockProxy struct {
	path, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        map[net.Conn]bool
}

func newSockProxy(t *testing.T) *sockProxy {
	t.Helper()
	dir, err := os.MkdirTemp("", "berth-proxy") // short: a socket path is at most ~100 bytes
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	p := &sockProxy{path: filepath.Join(dir, "docker.sock"), target: "/var/run/docker.sock", conns: map[net.Conn]bool{}}
	t.Cleanup(p.stop)
	p.start(t)
	return p
}

func (p *sockProxy) host() string { return "DOCKER_HOST=unix://" + p.path }

// start listens and forwards every connection.
func (p *sockProxy) start(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("unix", p.path)
	require.NoError(t, err)
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.forward(c)
		}
	}()
}

func (p *sockProxy) forward(c net.Conn) {
	d, err := net.Dial("unix", p.target)
	if err != nil {
		_ = c.Close()
		return
	}
	p.mu.Lock()
	p.conns[c], p.conns[d] = true, true
	p.mu.Unlock()
	go func() { _, _ = io.Copy(d, c); _ = d.Close() }()
	_, _ = io.Copy(c, d)
	_ = c.Close()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, d)
	p.mu.Unlock()
}

// stop closes the listener and every forwarded connection and removes the
// socket: the daemon is gone for whoever uses the proxy.
func (p *sockProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		_ = c.Close()
	}
	_ = os.Remove(p.path)
}

// TestServeDaemonOutage: with serve and the runners talking to the daemon
// through a socket the test stops, berth_daemon_up goes to 0 and the
// shared breaker opens within 10 s; a runner started meanwhile fails fast
// with the breaker's message; within 10 s of the socket's return both are
// back and a runner passes.
func TestServeDaemonOutage(t *testing.T) {
	w := newWorld(t)
	p := newSockProxy(t)
	s := w.startServe(t, []string{p.host()}, "--no-gc")
	state := func() (up, open float64) {
		fams := s.metrics(t)
		up, _ = sample(fams, "berth_daemon_up")
		open, _ = sample(fams, "berth_breaker_open")
		return up, open
	}
	_, ok := untilTrue(10*time.Second, func() bool { up, open := state(); return up == 1 && open == 0 })
	require.True(t, ok, "serve never saw the daemon up")

	p.stop()
	took, ok := untilTrue(10*time.Second, func() bool { up, open := state(); return up == 0 && open == 1 })
	require.True(t, ok, "berth_daemon_up 0 and the breaker open within 10 s of the outage; serve's log:\n%s", s.logText())
	t.Logf("outage seen and breaker open %s after the daemon went away", took.Round(100*time.Millisecond))

	runner := w.berth("run", "-p", w.project, "-f", demo(), "--", "true")
	runner.Env = append(runner.Env, p.host())
	start := time.Now()
	r, err := runCmd(runner)
	require.NoError(t, err)
	failedIn := time.Since(start)
	assert.NotEqual(t, 0, r.code)
	assert.Contains(t, r.stderr, "circuit open", "the breaker's message")
	assert.Less(t, failedIn, 5*time.Second, "a runner fails fast while the breaker is open")
	t.Logf("a runner during the outage failed in %s: %s", failedIn.Round(time.Millisecond), r.stderr)

	p.start(t)
	took, ok = untilTrue(10*time.Second, func() bool { up, open := state(); return up == 1 && open == 0 })
	require.True(t, ok, "back within 10 s of the daemon's return; serve's log:\n%s", s.logText())
	t.Logf("daemon up and breaker closed %s after the daemon came back", took.Round(100*time.Millisecond))
	runner = w.berth("run", "-p", w.project, "-f", demo(), "--", "true")
	runner.Env = append(runner.Env, p.host())
	r, err = runCmd(runner)
	require.NoError(t, err)
	assert.Equal(t, 0, r.code, "a runner passes once the daemon is back: %s", r.stderr)
	assert.Contains(t, s.logText(), "daemon is not answering")
	assert.Contains(t, s.logText(), "daemon answers again")
}

// TestServeScheduledGCTakesDownAnIdleEnvironment: with --gc-every 10s, an
// environment left idle by its last runner is taken down within 20 s of
// its linger passing, and the run is kept (berth_gc_runs_total). Runners
// of the same stack started while serve's gc runs get the environment
// intact or a fresh one: every one's check reaches all six services. (Whether
// one lands exactly on a teardown is up to timing; the log line says how
// many teardowns there were. gc's recheck under the environment's lock is
// what makes the race safe, proven in internal/gc and the gc e2e tests.)
func TestServeScheduledGCTakesDownAnIdleEnvironment(t *testing.T) {
	w := newWorld(t)
	s := w.startServe(t, nil, "--gc-every", "10s")
	run := func() result {
		runner := w.berth(append([]string{"run", "-p", w.project, "-f", demo(), "--"}, checkCmd()...)...)
		runner.Env = append(runner.Env, "BERTH_LINGER=2s")
		r, err := runCmd(runner) // no stdin: the check returns once every service answered
		require.NoError(t, err)
		return r
	}
	r := run()
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "ready ")
	require.NotEmpty(t, w.leftovers(t.Context()), "the environment lingers after its last runner")

	// Runners at a pace that leaves the environment idle past its linger
	// between them, so a gc may take it down between or under them.
	for i := range 4 {
		if i > 0 {
			time.Sleep(4 * time.Second) // pacing, not synchronisation: the idle gap gc may act in
		}
		r := run()
		require.Equal(t, 0, r.code, "runner %d racing the scheduled gc: %s", i, r.stderr)
		require.Contains(t, r.stdout, "ready ", "runner %d reached every service", i)
	}
	left := time.Now()
	_, ok := untilTrue(22*time.Second, func() bool { return len(w.leftovers(t.Context())) == 0 })
	took := time.Since(left)
	require.True(t, ok, "serve's gc did not take the idle environment down; its log:\n%s", s.logText())
	t.Logf("taken down %s after the last runner left (linger 2s, gc every 10s)", took.Round(100*time.Millisecond))
	fams := s.metrics(t)
	runs, _ := sample(fams, "berth_gc_runs_total", "mode", "safe")
	assert.GreaterOrEqual(t, runs, 1.0)
	assert.Contains(t, s.logText(), "msg=\"scheduled gc\"")
	t.Logf("scheduled gc runs that tore the environment down: %d of %.0f",
		strings.Count(s.logText(), "torn_down=1"), runs)
}
