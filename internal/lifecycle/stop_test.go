package lifecycle_test

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
	"github.com/berth-dev/berth/internal/lifecycle"
)

// sleepLog records the waits the fake makes (grace periods) and returns at once.
type sleepLog struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleepLog) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepLog) get() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

func requireGone(t *testing.T, e engine.Engine, id string) {
	t.Helper()
	_, err := e.ContainerInspect(t.Context(), id)
	require.ErrorIs(t, err, engine.ErrNotFound)
}

func TestStopAndRemoveRunning(t *testing.T) {
	e := newFake(t)
	id := runContainer(t, e, engine.ContainerSpec{Name: "web"})

	res, err := lifecycle.StopAndRemove(t.Context(), e, id, lifecycle.StopOptions{})
	require.NoError(t, err)
	assert.Equal(t, lifecycle.Result{ID: id, Name: "web", WasRunning: true, StopTook: res.StopTook, Removed: true}, res)
	assert.Equal(t, 1, e.Calls(engine.OpContainerStop))
	requireGone(t, e, id)
}

func TestStopAndRemoveKillsAfterContainerGrace(t *testing.T) {
	sl := &sleepLog{}
	e := newFake(t, fake.WithSleep(sl.sleep))
	id := runContainer(t, e, engine.ContainerSpec{
		Env: []string{"TESTSVC_IGNORE_SIGTERM=1"}, StopTimeout: dur(2 * time.Second),
	})

	res, err := lifecycle.StopAndRemove(t.Context(), e, id, lifecycle.StopOptions{})
	require.NoError(t, err)
	assert.True(t, res.WasRunning)
	assert.True(t, res.Killed)
	assert.Equal(t, 137, res.ExitCode)
	assert.True(t, res.Removed)
	assert.Equal(t, []time.Duration{2 * time.Second}, sl.get(), "the container's own grace period is used")
	requireGone(t, e, id)
}

func TestStopAndRemoveGraceOverride(t *testing.T) {
	sl := &sleepLog{}
	e := newFake(t, fake.WithSleep(sl.sleep))
	id := runContainer(t, e, engine.ContainerSpec{
		Env: []string{"TESTSVC_IGNORE_SIGTERM=1"}, StopTimeout: dur(30 * time.Second),
	})

	res, err := lifecycle.StopAndRemove(t.Context(), e, id, lifecycle.StopOptions{Grace: 3 * time.Second})
	require.NoError(t, err)
	assert.True(t, res.Killed)
	assert.Equal(t, []time.Duration{3 * time.Second}, sl.get())
}

func TestStopAndRemoveNotRunningSkipsStop(t *testing.T) {
	e := newFake(t)
	created := createContainer(t, e, engine.ContainerSpec{})
	exited := runContainer(t, e, engine.ContainerSpec{})
	require.NoError(t, e.ContainerStop(t.Context(), exited, engine.StopOptions{}))
	stops := e.Calls(engine.OpContainerStop)

	for _, id := range []string{created, exited} {
		res, err := lifecycle.StopAndRemove(t.Context(), e, id, lifecycle.StopOptions{})
		require.NoError(t, err)
		assert.False(t, res.WasRunning)
		assert.True(t, res.Removed)
		requireGone(t, e, id)
	}
	assert.Equal(t, stops, e.Calls(engine.OpContainerStop), "no stop for created or exited containers")
}

func TestStopAndRemoveNotFoundIsDone(t *testing.T) {
	e := newFake(t)
	res, err := lifecycle.StopAndRemove(t.Context(), e, "nosuch", lifecycle.StopOptions{})
	require.NoError(t, err)
	assert.True(t, res.Gone)
	assert.False(t, res.Removed)
	assert.Zero(t, e.Calls(engine.OpContainerRemove))
}

// stubborn is an engine whose stop requests have no effect: its
// containers keep running whatever berth asks.
type stubborn struct {
	*fake.Engine
	stopErr error
}

func (s stubborn) ContainerStop(ctx context.Context, id string, _ engine.StopOptions) error {
	return s.stopErr
}

func TestStopAndRemoveLeavesContainerThatWillNotStop(t *testing.T) {
	for name, stopErr := range map[string]error{
		"stop accepted": nil,
		"stop failed":   engine.Wrap(engine.OpContainerStop, engine.ErrTransient, errors.New("boom")),
	} {
		t.Run(name, func(t *testing.T) {
			e := newFake(t)
			id := runContainer(t, e, engine.ContainerSpec{Name: "stuck"})
			opts := lifecycle.StopOptions{Grace: 20 * time.Millisecond, Margin: 50 * time.Millisecond}

			res, err := lifecycle.StopAndRemove(t.Context(), stubborn{e, stopErr}, id, opts)
			var ns *lifecycle.NotStoppedError
			require.ErrorAs(t, err, &ns)
			assert.Equal(t, id, ns.ID)
			assert.Equal(t, "stuck", ns.Name)
			assert.Contains(t, err.Error(), "berth gc")
			assert.GreaterOrEqual(t, ns.Waited, 70*time.Millisecond)
			if stopErr != nil {
				assert.ErrorIs(t, err, engine.ErrTransient)
			}
			assert.False(t, res.Removed)
			assert.Zero(t, e.Calls(engine.OpContainerRemove), "a running container is never removed")
			c, err := e.ContainerInspect(t.Context(), id)
			require.NoError(t, err)
			assert.True(t, c.State.Running)
		})
	}
}

func TestStopAndRemoveHonoursContext(t *testing.T) {
	e := newFake(t)
	id := runContainer(t, e, engine.ContainerSpec{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	_, err := lifecycle.StopAndRemove(ctx, stubborn{Engine: e}, id, lifecycle.StopOptions{})
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, e.Calls(engine.OpContainerRemove))
}

// racingRemover is an engine where another process removes the container
// just before berth's remove request lands.
type racingRemover struct{ *fake.Engine }

func (r racingRemover) ContainerRemove(ctx context.Context, id string, opts engine.RemoveOptions) error {
	if err := r.Engine.ContainerRemove(ctx, id, opts); err != nil {
		return err
	}
	return engine.Wrap(engine.OpContainerRemove, engine.ErrTransient,
		errors.New("removal of container "+id+" is already in progress"))
}

func TestStopAndRemoveRacingRemoverIsDone(t *testing.T) {
	e := newFake(t)
	id := runContainer(t, e, engine.ContainerSpec{})

	res, err := lifecycle.StopAndRemove(t.Context(), racingRemover{e}, id, lifecycle.StopOptions{})
	require.NoError(t, err)
	assert.True(t, res.WasRunning)
	assert.False(t, res.Removed, "the other remover did it")
	requireGone(t, e, id)
}

func TestStopAndRemoveRetriesTransientRemove(t *testing.T) {
	e := newFake(t)
	id := createContainer(t, e, engine.ContainerSpec{})
	e.FailNext(engine.OpContainerRemove, engine.ErrTransient)

	res, err := lifecycle.StopAndRemove(t.Context(), e, id, lifecycle.StopOptions{})
	require.NoError(t, err)
	assert.True(t, res.Removed)
	assert.Equal(t, 2, e.Calls(engine.OpContainerRemove))
	requireGone(t, e, id)
}

func TestStopAndRemoveReportsPermanentRemoveFailure(t *testing.T) {
	e := newFake(t)
	id := createContainer(t, e, engine.ContainerSpec{})
	e.FailNext(engine.OpContainerRemove, engine.ErrConflict)

	_, err := lifecycle.StopAndRemove(t.Context(), e, id, lifecycle.StopOptions{})
	require.ErrorIs(t, err, engine.ErrConflict)
	assert.Equal(t, 1, e.Calls(engine.OpContainerRemove))
	_, err = e.ContainerInspect(t.Context(), id)
	require.NoError(t, err, "left in place")
}

func TestStopAndRemoveBoundsAnEndlessGrace(t *testing.T) {
	sl := &sleepLog{}
	e := newFake(t, fake.WithSleep(sl.sleep))
	id := runContainer(t, e, engine.ContainerSpec{Env: []string{"TESTSVC_IGNORE_SIGTERM=1"}, StopTimeout: dur(-time.Second)})

	res, err := lifecycle.StopAndRemove(t.Context(), e, id, lifecycle.StopOptions{})
	require.NoError(t, err)
	assert.True(t, res.Killed)
	assert.Equal(t, []time.Duration{lifecycle.DefaultGrace}, sl.get())
}
