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

// TestTakeCallsDrainsOneRecordPerCall: each gated call leaves one record
// (retries folded in, the error's kind named) until TakeCalls drains them.
func TestTakeCallsDrainsOneRecordPerCall(t *testing.T) {
	n := 0
	s := &stub{ping: ok, start: func() error {
		n++
		switch n {
		case 1:
			return engine.Wrap(engine.OpContainerStart, engine.ErrTransient, errors.New("try again"))
		case 2:
			return nil
		}
		return engine.Wrap(engine.OpContainerStart, engine.ErrConflict, errors.New("already started"))
	}}
	g := newGate(t, t.TempDir(), s, nil)
	ctx := context.Background()
	require.NoError(t, g.ContainerStart(ctx, "c1"))
	require.Error(t, g.ContainerStart(ctx, "c1"))
	_, err := g.Ping(ctx)
	require.NoError(t, err)

	calls, dropped := g.TakeCalls()
	assert.Zero(t, dropped)
	require.Len(t, calls, 3)
	assert.Equal(t, engine.OpContainerStart, calls[0].Op)
	assert.Equal(t, 1, calls[0].Retries)
	assert.Empty(t, calls[0].ErrorKind)
	assert.Equal(t, "conflict", calls[1].ErrorKind)
	assert.Equal(t, engine.OpPing, calls[2].Op)
	assert.False(t, calls[0].Time.IsZero())
	assert.False(t, calls[1].Time.Before(calls[0].Time))

	again, _ := g.TakeCalls()
	assert.Empty(t, again, "taken calls are not returned twice")
}

func TestErrorKind(t *testing.T) {
	assert.Equal(t, "", ErrorKind(nil))
	assert.Equal(t, "not_found", ErrorKind(engine.Wrap(engine.OpContainerInspect, engine.ErrNotFound, errors.New("x"))))
	assert.Equal(t, "unavailable", ErrorKind(&CircuitOpenError{}))
	assert.Equal(t, "canceled", ErrorKind(context.Canceled))
	assert.Equal(t, "other", ErrorKind(errors.New("boom")))
}

// blockingStartsGate is a gate with one operation slot over a stub whose
// container starts say so on entered and then wait for release.
func blockingStartsGate(t *testing.T) (g *Gate, entered, release chan struct{}) {
	cfg := config.DefaultGate()
	cfg.MaxConcurrentOps = 1
	release = make(chan struct{})
	entered = make(chan struct{}, 2)
	s := &stub{ping: ok, start: func() error {
		entered <- struct{}{}
		<-release
		return nil
	}}
	g, err := New(s, Options{Config: cfg, Layout: statedir.Layout{Override: t.TempDir()}})
	require.NoError(t, err)
	return g, entered, release
}

// TestQueuedIsTheWaitForASlot: with one slot, two starts are at the daemon
// one after the other whatever their timing, and the records say so: the
// spans [Time+Queued, Time+Duration] never overlap.
func TestQueuedIsTheWaitForASlot(t *testing.T) {
	g, entered, release := blockingStartsGate(t)
	ctx := context.Background()
	done := make(chan error, 2)
	go func() { done <- g.ContainerStart(ctx, "a") }()
	<-entered // the first holds the only slot
	go func() { done <- g.ContainerStart(ctx, "b") }()
	release <- struct{}{}
	<-entered
	release <- struct{}{}
	require.NoError(t, <-done)
	require.NoError(t, <-done)
	_, err := g.Ping(ctx)
	require.NoError(t, err)

	calls, _ := g.TakeCalls()
	require.Len(t, calls, 3)
	var starts []Call
	for _, c := range calls {
		assert.LessOrEqual(t, c.Queued, c.Duration)
		if c.Op == engine.OpPing {
			continue
		}
		starts = append(starts, c)
	}
	require.Len(t, starts, 2)
	a, b := starts[0], starts[1]
	aStart, aEnd := a.Time.Add(a.Queued), a.Time.Add(a.Duration)
	bStart, bEnd := b.Time.Add(b.Queued), b.Time.Add(b.Duration)
	assert.True(t, !bStart.Before(aEnd) || !aStart.Before(bEnd),
		"at the daemon at once: a %v-%v, b %v-%v", aStart, aEnd, bStart, bEnd)
}

// TestACallThatNeverReachedTheDaemonSpentNoTimeThere: a start given up
// while queued for the only slot is recorded with Queued equal to
// Duration, so the span at the daemon that counts of concurrent calls
// read ([Time+Queued, Time+Duration]) is empty.
func TestACallThatNeverReachedTheDaemonSpentNoTimeThere(t *testing.T) {
	g, entered, release := blockingStartsGate(t)
	done := make(chan error, 1)
	go func() { done <- g.ContainerStart(context.Background(), "a") }()
	<-entered // a holds the only slot
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, g.ContainerStart(ctx, "b"), context.DeadlineExceeded)
	release <- struct{}{}
	require.NoError(t, <-done)

	calls, _ := g.TakeCalls()
	require.Len(t, calls, 2)
	var queued Call
	for _, c := range calls {
		if c.ErrorKind != "" {
			queued = c
		}
	}
	require.NotZero(t, queued.Duration, "the call given up in the queue was recorded")
	assert.Equal(t, queued.Duration, queued.Queued, "it never reached the daemon")
}
