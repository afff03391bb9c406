package serve

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/clock"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/gate"
	"github.com/berth-dev/berth/internal/policy"
	"github.com/berth-dev/berth/internal/query"
	"github.com/berth-dev/berth/internal/store"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fakeDaemon answers heartbeats as up says and keeps a breaker the way
// the gate does (tripped when down, closed when up).
type fakeDaemon struct {
	mu      sync.Mutex
	up      bool
	breaker policy.BreakerState
	disk    engine.DiskUsage
	now     func() time.Time
}

func (d *fakeDaemon) Endpoint() string { return "unix:///fake/docker.sock" }

func (d *fakeDaemon) setUp(up bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.up = up
}

func (d *fakeDaemon) Heartbeat(_ context.Context, _ time.Duration) (gate.Beat, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := policy.Breaker{Threshold: 5, OpenFor: 30 * time.Second}
	now := d.now()
	prev := d.breaker
	b := gate.Beat{Up: d.up, Latency: 2 * time.Millisecond}
	if d.up {
		d.breaker = p.Record(prev, false, now)
	} else {
		b.Err = engine.ErrUnavailable
		d.breaker = p.Trip(prev, now)
	}
	b.Opened, b.Closed = !prev.Open(now) && d.breaker.Open(now), prev.Open(now) && !d.breaker.Open(now)
	b.Breaker = d.breaker
	return b, nil
}

func (d *fakeDaemon) Breaker(context.Context) (policy.BreakerState, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.breaker, nil
}

func (d *fakeDaemon) DiskUsage(context.Context) (engine.DiskUsage, error) { return d.disk, nil }

// memStore is an in-memory Store.
type memStore struct {
	mu       sync.Mutex
	envs     []store.Env
	leases   []store.Lease
	usage    []store.UsageRecord
	ops      []store.OpRecord
	restarts []store.RestartRecord
	events   []store.EventRecord
	gcRuns   []store.GCRunRecord
}

func (m *memStore) Envs(context.Context) ([]store.Env, error)        { return m.envs, nil }
func (m *memStore) AllLeases(context.Context) ([]store.Lease, error) { return m.leases, nil }
func (m *memStore) Usage(context.Context, time.Time) ([]store.UsageRecord, error) {
	return m.usage, nil
}
func (m *memStore) Ops(context.Context, time.Time) ([]store.OpRecord, error) { return m.ops, nil }
func (m *memStore) AllRestarts(context.Context, time.Time) ([]store.RestartRecord, error) {
	return m.restarts, nil
}
func (m *memStore) EventsSince(context.Context, time.Time) ([]store.EventRecord, error) {
	return m.events, nil
}
func (m *memStore) GCRuns(context.Context, time.Time) ([]store.GCRunRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]store.GCRunRecord(nil), m.gcRuns...), nil
}
func (m *memStore) RecordGCRun(_ context.Context, r store.GCRunRecord) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gcRuns = append(m.gcRuns, r)
	return nil
}

// sampleEnv is an environment as berth ps describes it: six services, one
// at 80 % of its limit, one OOM-killed, and one live and one dead lease.
func sampleEnv() query.EnvInfo {
	e := query.EnvInfo{ID: "demo-1a2b", Project: "demo", Mode: "shared", State: "ready", CreatedAt: t0.Add(-10 * time.Minute),
		Leases: []query.LeaseInfo{{ID: "l-1", Host: "ci-1", PID: 4242, Live: true}, {ID: "l-2", Host: "ci-2", PID: 77}}}
	for _, s := range []string{"postgres", "redis", "clickhouse", "auth", "backend", "frontend"} {
		e.Services = append(e.Services, query.ServiceInfo{Service: s, Container: "demo-" + s, State: "running",
			Health: "healthy", MemoryLimit: 100 << 20, MemoryUsage: 10 << 20, MemoryPercent: 10})
	}
	e.Services[4].MemoryUsage, e.Services[4].MemoryPercent, e.Services[4].High = 80<<20, 80, true
	e.Services[5].State, e.Services[5].OOMKilled, e.Services[5].MemoryUsage, e.Services[5].MemoryPercent = "exited", true, 0, 0
	return e
}

// newServer is a Server over the fakes with a fake clock at t0.
func newServer(t *testing.T, st *memStore, d *fakeDaemon) (*Server, *clock.Fake) {
	clk := clock.NewFake(t0)
	d.now = clk.Now
	s := &Server{Daemon: d, Store: st, Clock: clk, Log: slog.New(slog.NewTextHandler(t.Output(), nil)),
		Live: func(l store.Lease) bool { return l.Holder.PID%2 == 0 },
		List: func(context.Context) ([]query.EnvInfo, error) { return []query.EnvInfo{sampleEnv()}, nil }}
	s.init()
	return s, clk
}
