package gate

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/statedir"
)

// TestHoldsSlot: every mutating call holds an operation slot but pulls and
// builds (slots of their own) and an exec nobody bounded (an interactive
// shell).
func TestHoldsSlot(t *testing.T) {
	cases := []struct {
		op               engine.Op
		bounded, unbound bool // HoldsSlot(op, true), HoldsSlot(op, false)
	}{
		{engine.OpContainerCreate, true, true},
		{engine.OpContainerStart, true, true},
		{engine.OpContainerStop, true, true},
		{engine.OpContainerRemove, true, true},
		{engine.OpContainerExec, true, false},
		{engine.OpNetworkCreate, true, true},
		{engine.OpNetworkDisconnect, true, true},
		{engine.OpNetworkRemove, true, true},
		{engine.OpVolumeCreate, true, true},
		{engine.OpVolumeRemove, true, true},
		{engine.OpImageRemove, true, true},
		{engine.OpImageImport, true, true},
		{engine.OpBuildCachePrune, true, true},
		{engine.OpImagePull, false, false},
		{engine.OpImageBuild, false, false},
	}
	for _, c := range cases {
		require.True(t, c.op.Mutating(), "%s", c.op)
		assert.Equal(t, c.bounded, HoldsSlot(c.op, true), "%s, bounded", c.op)
		assert.Equal(t, c.unbound, HoldsSlot(c.op, false), "%s, not bounded", c.op)
	}
}

// TestOutOfLine: a teardown's calls (stop, remove a container, a network,
// a volume), which give the daemon's resources back, take their slots out
// of line; everything else waits its turn.
func TestOutOfLine(t *testing.T) {
	for _, op := range []engine.Op{engine.OpContainerCreate, engine.OpContainerStart,
		engine.OpContainerExec, engine.OpNetworkCreate, engine.OpVolumeCreate,
		engine.OpImageRemove, engine.OpImageImport, engine.OpBuildCachePrune} {
		assert.False(t, OutOfLine(op), "%s", op)
	}
	for _, op := range []engine.Op{engine.OpContainerStop, engine.OpContainerRemove, engine.OpNetworkRemove, engine.OpVolumeRemove} {
		assert.True(t, OutOfLine(op), "%s", op)
	}
}

// blockStub's ContainerStop and ContainerExec block until released, like
// a stop waiting out a grace period and a health command running.
type blockStub struct {
	stub
	entered chan engine.Op
	release chan struct{}
	execs   int
}

func (s *blockStub) ContainerStop(context.Context, string, engine.StopOptions) error {
	s.entered <- engine.OpContainerStop
	<-s.release
	return nil
}

func (s *blockStub) ContainerExec(context.Context, string, engine.ExecSpec) (engine.ExecResult, error) {
	s.execs++
	s.entered <- engine.OpContainerExec
	<-s.release
	return engine.ExecResult{}, nil
}

// oneSlotGate is a gate with one operation slot over a blockStub.
func oneSlotGate(t *testing.T) (*Gate, *blockStub) {
	t.Helper()
	cfg := config.DefaultGate()
	cfg.MaxConcurrentOps, cfg.MinConcurrentOps = 1, 1
	s := &blockStub{stub: stub{start: ok, ping: ok}, entered: make(chan engine.Op, 1), release: make(chan struct{})}
	g, err := New(s, Options{Config: cfg, Layout: statedir.Layout{Override: t.TempDir()}})
	require.NoError(t, err)
	return g, s
}

// startWaitsForTheSlot: while the only slot is held, a start cannot have
// it; once released, it can.
func startWaitsForTheSlot(t *testing.T, g *Gate, s *blockStub) {
	t.Helper()
	wctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, g.ContainerStart(wctx, "y"), context.DeadlineExceeded, "the only slot is held")
	assert.Zero(t, s.starts.Load(), "the start never reached the daemon")
}

func TestAStopWaitingOutItsGraceHoldsASlot(t *testing.T) {
	g, s := oneSlotGate(t)
	ctx := context.Background()
	done := make(chan error, 1)
	go func() { done <- g.ContainerStop(ctx, "x", engine.StopOptions{}) }()
	require.Equal(t, engine.OpContainerStop, <-s.entered)
	startWaitsForTheSlot(t, g, s)
	close(s.release)
	require.NoError(t, <-done)
	require.NoError(t, g.ContainerStart(ctx, "y"), "the stop gave its slot back")
}

func TestABoundedExecHoldsASlot(t *testing.T) {
	g, s := oneSlotGate(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := g.ContainerExec(ctx, "x", engine.ExecSpec{Cmd: []string{"true"}, Bounded: true})
		done <- err
	}()
	require.Equal(t, engine.OpContainerExec, <-s.entered)
	startWaitsForTheSlot(t, g, s)
	close(s.release)
	require.NoError(t, <-done)
	require.NoError(t, g.ContainerStart(ctx, "y"), "the exec gave its slot back")
}

func TestAnInteractiveExecHoldsNoSlot(t *testing.T) {
	g, s := oneSlotGate(t)
	ctx := context.Background() // an interactive exec has no deadline
	done := make(chan error, 1)
	go func() {
		_, err := g.ContainerExec(ctx, "x", engine.ExecSpec{Cmd: []string{"sh"}})
		done <- err
	}()
	require.Equal(t, engine.OpContainerExec, <-s.entered)
	require.NoError(t, g.ContainerStart(ctx, "y"), "the only slot is free while a shell streams")
	close(s.release)
	require.NoError(t, <-done)
}

func TestABoundedExecNeedsADeadline(t *testing.T) {
	g, s := oneSlotGate(t)
	_, err := g.ContainerExec(context.Background(), "x", engine.ExecSpec{Cmd: []string{"true"}, Bounded: true})
	require.ErrorIs(t, err, engine.ErrInvalid)
	assert.Contains(t, err.Error(), "deadline")
	assert.Zero(t, s.execs, "refused before the daemon")
}
