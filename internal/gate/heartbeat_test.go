package gate

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHeartbeatTripsTheSharedBreakerAtOnceAndClosesItOnAnswer(t *testing.T) {
	dir := t.TempDir()
	c := &clock{}
	c.advance(time.Hour)
	down := atomic.Bool{}
	s := &stub{ping: func() error {
		if down.Load() {
			return unavailable()
		}
		return nil
	}, start: ok}
	watcher := newGate(t, dir, s, c)
	runner := newGate(t, dir, s, c)
	ctx := context.Background()

	b, err := watcher.Heartbeat(ctx, time.Second)
	require.NoError(t, err)
	assert.True(t, b.Up)
	assert.False(t, b.Opened || b.Closed)

	down.Store(true)
	b, err = watcher.Heartbeat(ctx, time.Second)
	require.NoError(t, err)
	assert.False(t, b.Up)
	assert.True(t, b.Opened, "one failed heartbeat opens the breaker, below the threshold")
	assert.Error(t, b.Err)
	require.ErrorAs(t, runner.ContainerStart(ctx, "x"), new(*CircuitOpenError), "another process fails fast")
	assert.Zero(t, s.starts.Load())

	c.advance(25 * time.Second)
	b, err = watcher.Heartbeat(ctx, time.Second)
	require.NoError(t, err)
	assert.False(t, b.Opened, "already open")
	c.advance(10 * time.Second) // past the first opening's 30 s, within the second's
	require.ErrorAs(t, runner.ContainerStart(ctx, "x"), new(*CircuitOpenError), "still held open by the watcher")

	down.Store(false)
	b, err = watcher.Heartbeat(ctx, time.Second)
	require.NoError(t, err)
	assert.True(t, b.Up)
	assert.True(t, b.Closed)
	require.NoError(t, runner.ContainerStart(ctx, "x"), "closed for every process at once")
	assert.Equal(t, 1, b.Breaker.Openings)
}

func TestHeartbeatAnOrdinaryErrorIsAnAnswer(t *testing.T) {
	s := &stub{ping: func() error { return errors.New("500 internal server error") }}
	g := newGate(t, t.TempDir(), s, nil)
	b, err := g.Heartbeat(context.Background(), time.Second)
	require.NoError(t, err)
	assert.True(t, b.Up)
	assert.False(t, b.Breaker.Open(time.Now()))
}
