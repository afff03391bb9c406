package fake_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
)

func TestFailNextFailsOnceAndHasNoEffect(t *testing.T) {
	e := newFake(t)
	e.FailNext(engine.OpContainerCreate, engine.ErrUnavailable)
	_, err := e.ContainerCreate(t.Context(), engine.ContainerSpec{Name: "a1", Image: testImage})
	require.ErrorIs(t, err, engine.ErrUnavailable)
	assert.True(t, engine.Retryable(err))
	var ee *engine.Error
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, engine.OpContainerCreate, ee.Op)
	_, err = e.ContainerInspect(t.Context(), "a1")
	require.ErrorIs(t, err, engine.ErrNotFound, "the failed create created nothing")

	_, err = e.ContainerCreate(t.Context(), engine.ContainerSpec{Name: "a1", Image: testImage})
	require.NoError(t, err, "only the next call fails")
	assert.Equal(t, 2, e.Calls(engine.OpContainerCreate))
}

func TestFailNextQueuesPerOp(t *testing.T) {
	e := newFake(t)
	boom := errors.New("boom")
	e.FailNext(engine.OpPing, engine.ErrTransient)
	e.FailNext(engine.OpPing, boom)
	_, err := e.Info(t.Context())
	require.NoError(t, err, "other ops are unaffected")
	_, err = e.Ping(t.Context())
	require.ErrorIs(t, err, engine.ErrTransient)
	_, err = e.Ping(t.Context())
	require.ErrorIs(t, err, boom)
	assert.False(t, engine.Retryable(err))
	_, err = e.Ping(t.Context())
	require.NoError(t, err)
}

func TestFailAllUntilCleared(t *testing.T) {
	e := newFake(t)
	e.FailAll(engine.ErrUnavailable)
	for range 3 {
		_, err := e.Ping(t.Context())
		require.ErrorIs(t, err, engine.ErrUnavailable)
	}
	_, errc := e.Events(t.Context(), engine.EventFilter{})
	require.ErrorIs(t, <-errc, engine.ErrUnavailable, "events report the failure on the error channel")
	e.FailAll(nil)
	_, err := e.Ping(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 4, e.Calls(engine.OpPing))
}

func TestBlockHoldsCallsUntilRelease(t *testing.T) {
	e := newFake(t)
	b := e.Block(engine.OpContainerCreate)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, name := range []string{"b1", "b2"} {
		wg.Go(func() {
			_, err := e.ContainerCreate(t.Context(), engine.ContainerSpec{Name: name, Image: testImage})
			errs <- err
		})
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	require.NoError(t, b.WaitHeld(ctx, 2))
	assert.Equal(t, 2, b.Held())
	list, err := e.ContainerList(t.Context(), engine.ListFilter{All: true})
	require.NoError(t, err)
	assert.Empty(t, list, "held calls have had no effect")

	b.Release()
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 0, b.Held())
	_, err = e.ContainerCreate(t.Context(), engine.ContainerSpec{Name: "b3", Image: testImage})
	require.NoError(t, err, "a released block holds no later call")
}

func TestBlockedCallEndsWithItsContext(t *testing.T) {
	e := newFake(t)
	b := e.Block(engine.OpPing)
	defer b.Release()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { _, err := e.Ping(ctx); done <- err }()
	require.NoError(t, b.WaitHeld(t.Context(), 1))
	cancel()
	err := <-done
	require.ErrorIs(t, err, context.Canceled)
}

func TestDelayUsesTheSleepHook(t *testing.T) {
	var mu sync.Mutex
	var slept []time.Duration
	e := newFake(t, fake.WithSleep(func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		slept = append(slept, d)
		return ctx.Err()
	}))
	e.Delay(engine.OpVolumeList, 3*time.Second)
	_, err := e.VolumeList(t.Context(), engine.ListFilter{})
	require.NoError(t, err)
	e.Delay(engine.OpVolumeList, 0)
	_, err = e.VolumeList(t.Context(), engine.ListFilter{})
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{3 * time.Second}, slept)
}

func TestDelayHonoursContext(t *testing.T) {
	e := newFake(t)
	e.Delay(engine.OpPing, time.Hour)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := e.Ping(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}
