package gate

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/statedir"
)

// stub is an engine whose Ping and ContainerStart do what a test says;
// other methods are not used by these tests.
type stub struct {
	engine.Engine
	pings  atomic.Int32
	starts atomic.Int32
	ping   func() error
	start  func() error
}

func (s *stub) Endpoint() string { return "unix:///test/docker.sock" }

func (s *stub) Ping(context.Context) (engine.Ping, error) {
	s.pings.Add(1)
	return engine.Ping{}, s.ping()
}

func (s *stub) ContainerStart(context.Context, string) error {
	s.starts.Add(1)
	return s.start()
}

func ok() error { return nil }

func unavailable() error {
	return engine.Wrap(engine.OpPing, engine.ErrUnavailable, errors.New("dial unix /test/docker.sock: connect: no such file or directory"))
}

// clock is a settable test clock.
type clock struct{ t atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(0, c.t.Load()) }
func (c *clock) advance(d time.Duration) { c.t.Add(int64(d)) }

func newGate(t *testing.T, dir string, inner engine.Engine, c *clock) *Gate {
	t.Helper()
	cfg := config.DefaultGate()
	cfg.RetryInitial = time.Millisecond
	opts := Options{Config: cfg, Layout: statedir.Layout{Override: dir}}
	if c != nil {
		opts.Now = c.now
	}
	g, err := New(inner, opts)
	require.NoError(t, err)
	return g
}

func TestTransientErrorsAreRetried(t *testing.T) {
	n := 0
	s := &stub{start: func() error {
		n++
		if n < 3 {
			return engine.Wrap(engine.OpContainerStart, engine.ErrTransient, errors.New("network x is ambiguous (2 matches found on name)"))
		}
		return nil
	}}
	g := newGate(t, t.TempDir(), s, nil)
	require.NoError(t, g.ContainerStart(context.Background(), "c1"))
	assert.EqualValues(t, 3, s.starts.Load())
	st := g.Stats()[engine.OpContainerStart]
	assert.Equal(t, 1, st.Count)
	assert.Equal(t, 2, st.Retries)
	assert.Equal(t, 0, st.Errors)
}

func TestPermanentErrorsReturnAtOnceTyped(t *testing.T) {
	for _, kind := range []error{engine.ErrNotFound, engine.ErrConflict, engine.ErrInvalid} {
		s := &stub{start: func() error { return engine.Wrap(engine.OpContainerStart, kind, errors.New("daemon said no")) }}
		g := newGate(t, t.TempDir(), s, nil)
		err := g.ContainerStart(context.Background(), "c1")
		require.ErrorIs(t, err, kind)
		var ee *engine.Error
		require.ErrorAs(t, err, &ee, "the engine's typed error comes through")
		assert.EqualValues(t, 1, s.starts.Load(), "no retry of %v", kind)
	}
}

func TestRetriesStopAfterTheConfiguredAttempts(t *testing.T) {
	s := &stub{start: func() error { return engine.Wrap(engine.OpContainerStart, engine.ErrTransient, errors.New("500 busy")) }}
	g := newGate(t, t.TempDir(), s, nil)
	err := g.ContainerStart(context.Background(), "c1")
	require.ErrorIs(t, err, engine.ErrTransient)
	assert.EqualValues(t, config.DefaultGate().RetryAttempts, s.starts.Load())
}

func TestBreakerOpensAfterFiveUnavailableCallsAndIsShared(t *testing.T) {
	dir := t.TempDir()
	c := &clock{}
	c.advance(time.Hour)
	s := &stub{ping: unavailable}
	g := newGate(t, dir, s, c)
	ctx := context.Background()
	for i := range 5 {
		_, err := g.Ping(ctx)
		require.ErrorIs(t, err, engine.ErrUnavailable, "call %d", i+1)
		var open *CircuitOpenError
		require.False(t, errors.As(err, &open), "call %d must reach the daemon", i+1)
	}
	calls := s.pings.Load()
	_, err := g.Ping(ctx)
	var open *CircuitOpenError
	require.ErrorAs(t, err, &open)
	assert.Equal(t, calls, s.pings.Load(), "an open circuit does not call the daemon")
	assert.Contains(t, err.Error(), "unix:///test/docker.sock")
	assert.Contains(t, err.Error(), "circuit open")
	assert.True(t, c.now().Add(30*time.Second).Equal(open.Until), "open until %v", open.Until)
	assert.ErrorIs(t, err, engine.ErrUnavailable)

	other := newGate(t, dir, &stub{ping: ok}, c)
	_, err = other.Ping(ctx)
	require.ErrorAs(t, err, &open, "a second gate on the same state sees the open circuit")
	assert.Equal(t, 1, g.Stats()[engine.OpPing].Refused)
}

func TestHalfOpenProbeClosesTheBreaker(t *testing.T) {
	c := &clock{}
	c.advance(time.Hour)
	healthy := atomic.Bool{}
	s := &stub{ping: func() error {
		if healthy.Load() {
			return nil
		}
		return unavailable()
	}, start: ok}
	g := newGate(t, t.TempDir(), s, c)
	ctx := context.Background()
	for range 5 {
		_, _ = g.Ping(ctx)
	}
	require.ErrorAs(t, g.ContainerStart(ctx, "x"), new(*CircuitOpenError))
	assert.Zero(t, s.starts.Load())

	c.advance(30 * time.Second)
	require.ErrorAs(t, g.ContainerStart(ctx, "x"), new(*CircuitOpenError), "the probe fails: still down")
	assert.Zero(t, s.starts.Load())

	c.advance(30 * time.Second)
	healthy.Store(true)
	require.NoError(t, g.ContainerStart(ctx, "x"), "the probe succeeds: the call goes through")
	assert.EqualValues(t, 1, s.starts.Load())
	st, err := g.Breaker(ctx)
	require.NoError(t, err)
	assert.Zero(t, st.Failures)
	assert.True(t, st.OpenUntil.IsZero())
	assert.Equal(t, 2, st.Openings)
}

func TestOrdinaryErrorsDoNotOpenTheBreaker(t *testing.T) {
	s := &stub{start: func() error {
		return engine.Wrap(engine.OpContainerStart, engine.ErrNotFound, fmt.Errorf("no such container"))
	}}
	g := newGate(t, t.TempDir(), s, nil)
	for range 10 {
		require.ErrorIs(t, g.ContainerStart(context.Background(), "x"), engine.ErrNotFound)
	}
	assert.EqualValues(t, 10, s.starts.Load())
}

func TestMutatingCallsTakeASlotReadsDoNot(t *testing.T) {
	dir := t.TempDir()
	cfg := config.DefaultGate()
	cfg.MaxConcurrentOps = 1
	var inFlight, peak atomic.Int32
	release := make(chan struct{})
	entered := make(chan struct{}, 4)
	s := &stub{ping: ok, start: func() error {
		n := inFlight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		entered <- struct{}{}
		<-release
		inFlight.Add(-1)
		return nil
	}}
	g, err := New(s, Options{Config: cfg, Layout: statedir.Layout{Override: dir}})
	require.NoError(t, err)
	ctx := context.Background()
	done := make(chan error, 2)
	for range 2 {
		go func() { done <- g.ContainerStart(ctx, "x") }()
	}
	<-entered
	_, err = g.Ping(ctx)
	require.NoError(t, err, "a read goes through while the only slot is held")
	close(release)
	require.NoError(t, <-done)
	require.NoError(t, <-done)
	assert.EqualValues(t, 1, peak.Load())
	assert.EqualValues(t, 2, s.starts.Load())
}

// TestBreakerAfterClockStepBack: the shared breaker opens, then the clock
// steps back an hour. Every gate refuses for at most the open duration
// (30 s) from the step, not for the hour: the bound is persisted in the
// shared file, so it does not move on with the clock.
func TestBreakerAfterClockStepBack(t *testing.T) {
	dir := t.TempDir()
	c := &clock{}
	c.advance(2 * time.Hour)
	g := newGate(t, dir, &stub{ping: unavailable}, c)
	ctx := context.Background()
	for range 5 {
		_, _ = g.Ping(ctx)
	}
	c.advance(-time.Hour)
	stepped := c.now()
	healthy := &stub{ping: ok}
	other := newGate(t, dir, healthy, c)
	var open *CircuitOpenError
	_, err := other.Ping(ctx)
	require.ErrorAs(t, err, &open)
	assert.True(t, stepped.Add(30*time.Second).Equal(open.Until), "refused until %v, want the step + 30 s", open.Until)

	c.advance(29 * time.Second)
	_, err = other.Ping(ctx)
	require.ErrorAs(t, err, &open)
	assert.True(t, stepped.Add(30*time.Second).Equal(open.Until), "the bound stays at the step + 30 s, got %v", open.Until)

	c.advance(time.Second)
	_, err = other.Ping(ctx)
	require.NoError(t, err, "30 s after the step the probe goes through and closes the breaker")
}

// fenced is the files backend with a fence that reports what a test says.
type fenced struct {
	Files
	lost atomic.Pointer[error]
}

// infoStub is stub that tells its daemon's ID (a shared backend asks it).
type infoStub struct{ *stub }

func (infoStub) Info(context.Context) (engine.Info, error) { return engine.Info{ID: "daemon-1"}, nil }

func (f *fenced) Lost() error {
	if p := f.lost.Load(); p != nil {
		return *p
	}
	return nil
}

// While the backend's fence reports a lost lock, every mutating call is
// refused with its error before reaching the daemon, and not retried;
// reads go on. Once the fence clears, mutating calls pass again.
func TestMutatingCallsRefusedWhileALockIsLost(t *testing.T) {
	s := &stub{start: ok, ping: ok}
	cfg := config.DefaultGate()
	cfg.RetryInitial = time.Millisecond
	b := &fenced{}
	g, err := New(infoStub{s}, Options{Config: cfg, Layout: statedir.Layout{Override: t.TempDir()}, Backend: b})
	require.NoError(t, err)
	lost := errors.New("environment lock x was lost")
	b.lost.Store(&lost)
	require.ErrorIs(t, g.ContainerStart(context.Background(), "c1"), lost)
	assert.Zero(t, s.starts.Load(), "refused before the daemon")
	_, err = g.Ping(context.Background())
	require.NoError(t, err, "reads go on")
	b.lost.Store(nil)
	require.NoError(t, g.ContainerStart(context.Background(), "c1"))
	assert.EqualValues(t, 1, s.starts.Load())
}
