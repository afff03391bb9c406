package gate

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/statedir"
)

func TestCallDeadlines(t *testing.T) {
	cfg := config.Gate{ReadTimeout: time.Second, WriteTimeout: time.Minute}
	for op, want := range map[engine.Op]time.Duration{
		engine.OpPing: time.Second, engine.OpContainerInspect: time.Second, engine.OpContainerList: time.Second,
		engine.OpContainerStats: time.Second, engine.OpImageInspect: time.Second,
		engine.OpContainerCreate: time.Minute, engine.OpContainerStart: time.Minute, engine.OpNetworkCreate: time.Minute,
		engine.OpContainerRemove: time.Minute, engine.OpDiskUsage: time.Minute,
		engine.OpEvents: 0, engine.OpContainerLogs: 0, engine.OpContainerExec: 0,
		engine.OpImagePull: 0, engine.OpImageBuild: 0, engine.OpImageImport: 0, engine.OpBuildCachePrune: 0,
	} {
		assert.Equal(t, want, callDeadline(op, cfg), "%s", op)
	}
	grace := 3 * time.Second
	assert.Equal(t, 4*time.Second, stopDeadline(&grace, cfg), "a stop waits out its grace period first")
	assert.Equal(t, time.Minute, stopDeadline(nil, cfg))
}

// wedged is a daemon that accepts every call and never answers.
type wedged struct {
	stub
}

func (w *wedged) ContainerInspect(ctx context.Context, _ string) (engine.Container, error) {
	w.starts.Add(1)
	<-ctx.Done()
	return engine.Container{}, engine.Wrap(engine.OpContainerInspect, engine.ErrUnavailable, ctx.Err())
}

// TestAWedgedDaemonOpensTheBreaker: calls to a daemon that never answers
// fail at their deadline, as unavailable and without retries; after the
// breaker's threshold of them the next call is refused without calling
// the daemon.
func TestAWedgedDaemonOpensTheBreaker(t *testing.T) {
	w := &wedged{}
	cfg := config.DefaultGate()
	cfg.ReadTimeout = 20 * time.Millisecond
	cfg.BreakerThreshold = 3
	g, err := New(w, Options{Config: cfg, Layout: statedir.Layout{Override: t.TempDir()}})
	require.NoError(t, err)
	ctx := context.Background()
	for i := range 3 {
		_, err := g.ContainerInspect(ctx, "c")
		var de *DeadlineError
		require.ErrorAs(t, err, &de, "call %d", i)
		assert.Equal(t, engine.OpContainerInspect, de.Op)
		assert.ErrorIs(t, err, engine.ErrUnavailable)
		assert.Contains(t, err.Error(), "did not answer within 20ms")
	}
	assert.EqualValues(t, 3, w.starts.Load(), "a call past its deadline is not retried")
	_, err = g.ContainerInspect(ctx, "c")
	var open *CircuitOpenError
	require.ErrorAs(t, err, &open)
	assert.EqualValues(t, 3, w.starts.Load(), "the open breaker refuses without calling the daemon")
	st := g.Stats()[engine.OpContainerInspect]
	assert.Equal(t, 4, st.Count)
	assert.Equal(t, 0, st.Retries)
}

// TestTheCallersOwnDeadlineIsNotTheDaemons: a caller that gives up is not
// evidence against the daemon.
func TestTheCallersOwnDeadlineIsNotTheDaemons(t *testing.T) {
	w := &wedged{}
	cfg := config.DefaultGate()
	cfg.BreakerThreshold = 1
	g, err := New(w, Options{Config: cfg, Layout: statedir.Layout{Override: t.TempDir()}})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = g.ContainerInspect(ctx, "c")
	require.Error(t, err)
	assert.False(t, errors.As(err, new(*DeadlineError)), "got %v", err)
	st, err := g.Breaker(context.Background())
	require.NoError(t, err)
	assert.Zero(t, st.Failures)
}
