package serve

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/gc"
	"github.com/berth-dev/berth/internal/query"
)

func TestPingOpensTheBreakerAtOnceAndClosesItAndCallsTheHookOnReturn(t *testing.T) {
	d := &fakeDaemon{up: true}
	s, clk := newServer(t, &memStore{}, d)
	back := make(chan struct{}, 4)
	var calls atomic.Int32
	s.OnDaemonBack = func(context.Context) error {
		calls.Add(1)
		back <- struct{}{}
		return nil
	}
	ctx := t.Context()

	s.pingOnce(ctx)
	assert.True(t, s.mon.daemon().Up)
	assert.Zero(t, calls.Load(), "the first answer is no return")

	d.setUp(false)
	clk.Advance(5 * time.Second)
	s.pingOnce(ctx)
	assert.False(t, s.mon.daemon().Up)
	br, _ := d.Breaker(ctx)
	assert.True(t, br.Open(clk.Now()), "one missed ping opens the shared breaker")

	clk.Advance(5 * time.Second)
	s.pingOnce(ctx) // still down: no hook
	d.setUp(true)
	clk.Advance(5 * time.Second)
	s.pingOnce(ctx)
	<-back
	br, _ = d.Breaker(ctx)
	assert.False(t, br.Open(clk.Now()), "the answer closes it")
	assert.True(t, s.mon.daemon().Up)
	clk.Advance(5 * time.Second)
	s.pingOnce(ctx)
	assert.EqualValues(t, 1, calls.Load(), "the hook runs once per return")

	h := s.mon.daemon().Hist
	require.Len(t, h, 5)
	assert.Zero(t, h[1].V, "a missed ping draws at zero")
	assert.InDelta(t, 0.002, h[4].V, 1e-9)
}

func TestSamplingAndDiskWaitForTheDaemon(t *testing.T) {
	d := &fakeDaemon{}
	s, _ := newServer(t, &memStore{}, d)
	var lists atomic.Int32
	s.List = func(context.Context) ([]query.EnvInfo, error) { lists.Add(1); return nil, nil }
	s.pingOnce(t.Context())
	s.sampleOnce(t.Context())
	s.diskOnce(t.Context())
	assert.Zero(t, lists.Load(), "no Docker calls while the daemon is down")
	du, _ := s.mon.diskUsage()
	assert.Nil(t, du)
}

func TestScheduledGCKeepsEachRunAndSkipsWhileDown(t *testing.T) {
	st := &memStore{}
	d := &fakeDaemon{up: true}
	s, clk := newServer(t, st, d)
	s.GCMode = gc.Normal
	var got []gc.Options
	s.GC = func(_ context.Context, o gc.Options) (gc.Report, error) {
		got = append(got, o)
		clk.Advance(1500 * time.Millisecond)
		return gc.Report{Plan: gc.Plan{Actions: []gc.Action{{}, {}, {}}}, TornDown: []string{"demo-1"},
				Results: []gc.Result{{Outcome: gc.Removed, Reclaimed: 100}, {Outcome: gc.Removed, Reclaimed: 20}, {Outcome: gc.Failed}}},
			errors.New("remove volume v: in use")
	}
	s.pingOnce(t.Context())
	s.gcOnce(t.Context())
	d.setUp(false)
	s.pingOnce(t.Context())
	s.gcOnce(t.Context())

	require.Len(t, got, 1, "no gc while the daemon does not answer")
	assert.Equal(t, gc.Normal, got[0].Mode)
	require.Len(t, st.gcRuns, 1)
	r := st.gcRuns[0]
	assert.Equal(t, "normal", r.Mode)
	assert.Equal(t, t0, r.Time)
	assert.Equal(t, 1500*time.Millisecond, r.Duration)
	assert.Equal(t, 3, r.Actions)
	assert.Equal(t, 2, r.Removed)
	assert.Equal(t, 1, r.TornDown)
	assert.EqualValues(t, 120, r.Reclaimed)
	assert.Equal(t, "remove volume v: in use", r.Error)
}

func TestGCLoopRunsEveryInterval(t *testing.T) {
	st := &memStore{}
	s, clk := newServer(t, st, &fakeDaemon{up: true})
	s.GCEvery = 10 * time.Second
	ctx, cancel := context.WithCancel(t.Context())
	var times []time.Time
	s.GC = func(context.Context, gc.Options) (gc.Report, error) {
		times = append(times, clk.Now())
		if len(times) == 3 {
			cancel()
		}
		return gc.Report{}, nil
	}
	s.gcLoop(ctx)
	assert.Equal(t, []time.Time{t0.Add(10 * time.Second), t0.Add(20 * time.Second), t0.Add(30 * time.Second)}, times)
}

func TestABrokenEventStreamThenAnAnswerCallsTheHook(t *testing.T) {
	d := &fakeDaemon{up: true}
	s, _ := newServer(t, &memStore{}, d)
	back := make(chan struct{}, 4)
	s.OnDaemonBack = func(context.Context) error { back <- struct{}{}; return nil }
	var onBreak func()
	s.Watch = func(_ context.Context, b func()) func() { onBreak = b; return func() {} }
	s.watchEvents(t.Context())
	require.NotNil(t, onBreak)
	s.pingOnce(t.Context())
	onBreak() // the daemon restarted between two pings: the stream broke, pings never failed
	s.pingOnce(t.Context())
	select {
	case <-back:
	case <-time.After(5 * time.Second):
		t.Fatal("the hook did not run after the stream broke and the daemon answered")
	}
	s.pingOnce(t.Context())
	assert.Empty(t, back, "once per break")
}
