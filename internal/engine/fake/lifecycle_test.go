package fake_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
)

// sleepRecorder is a WithSleep hook that returns at once and records d.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waits = append(r.waits, d)
	return ctx.Err()
}

func (r *sleepRecorder) got() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.waits...)
}

func TestStopGracePeriodPrecedence(t *testing.T) {
	rec := &sleepRecorder{}
	e := newFake(t, fake.WithSleep(rec.sleep))
	ignore := []string{"TESTSVC_IGNORE_SIGTERM=1"}
	five := 5 * time.Second

	a := run(t, e, engine.ContainerSpec{Env: ignore})
	require.NoError(t, e.ContainerStop(t.Context(), a, engine.StopOptions{}))
	b := run(t, e, engine.ContainerSpec{Env: ignore, StopTimeout: &five})
	require.NoError(t, e.ContainerStop(t.Context(), b, engine.StopOptions{}))
	two := 2 * time.Second
	require.NoError(t, e.ContainerStop(t.Context(), run(t, e, engine.ContainerSpec{Env: ignore, StopTimeout: &five}),
		engine.StopOptions{Timeout: &two}))
	assert.Equal(t, []time.Duration{10 * time.Second, five, two}, rec.got())
	assert.Equal(t, 137, state(t, e, a).ExitCode)

	c := run(t, e, engine.ContainerSpec{})
	require.NoError(t, e.ContainerStop(t.Context(), c, engine.StopOptions{}))
	assert.Len(t, rec.got(), 3, "a service that handles SIGTERM is not waited for")
	assert.Equal(t, 0, state(t, e, c).ExitCode)
}

func TestStopSIGKILLSignalDoesNotWait(t *testing.T) {
	rec := &sleepRecorder{}
	e := newFake(t, fake.WithSleep(rec.sleep))
	id := run(t, e, engine.ContainerSpec{Env: []string{"TESTSVC_IGNORE_SIGTERM=1"}, StopSignal: "SIGKILL"})
	require.NoError(t, e.ContainerStop(t.Context(), id, engine.StopOptions{}))
	assert.Empty(t, rec.got())
	assert.Equal(t, 137, state(t, e, id).ExitCode)
}

func TestStopCancelledDuringGraceLeavesItRunning(t *testing.T) {
	e := newFake(t)
	id := run(t, e, engine.ContainerSpec{Env: []string{"TESTSVC_IGNORE_SIGTERM=1"}})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	err := e.ContainerStop(ctx, id, engine.StopOptions{Timeout: ptr(time.Hour)})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.True(t, state(t, e, id).Running)
}

func TestStopSignals(t *testing.T) {
	rec := &sleepRecorder{}
	e := newFake(t, fake.WithSleep(rec.sleep))
	grace := time.Second

	hup := run(t, e, engine.ContainerSpec{})
	require.NoError(t, e.ContainerStop(t.Context(), hup, engine.StopOptions{Signal: "SIGHUP", Timeout: &grace}))
	assert.Equal(t, []time.Duration{grace}, rec.got(), "signals without a handler are ignored by PID 1")
	assert.Equal(t, 137, state(t, e, hup).ExitCode, "killed after the grace period")

	id := run(t, e, engine.ContainerSpec{})
	err := e.ContainerStop(t.Context(), id, engine.StopOptions{Signal: "SIGBOGUS"})
	require.ErrorIs(t, err, engine.ErrInvalid)
	assert.True(t, state(t, e, id).Running, "an invalid signal changes nothing")
	require.NoError(t, e.ContainerStop(t.Context(), id, engine.StopOptions{Signal: "TERM", Timeout: &grace}))
	st := state(t, e, id)
	assert.False(t, st.Running)
	assert.Equal(t, 0, st.ExitCode)
	assert.Len(t, rec.got(), 1, "a handled signal is not waited out")
}

func TestExitAppliesRestartPolicy(t *testing.T) {
	e := newFake(t)
	none := run(t, e, engine.ContainerSpec{})
	require.NoError(t, e.Exit(none, 3))
	st := state(t, e, none)
	assert.Equal(t, "exited", st.Status)
	assert.Equal(t, 3, st.ExitCode)
	require.ErrorIs(t, e.Exit(none, 1), engine.ErrConflict, "only a running container can exit")

	onFailure := run(t, e, engine.ContainerSpec{Restart: engine.RestartPolicy{Name: "on-failure", MaximumRetryCount: 2}})
	for range 3 {
		require.NoError(t, e.Exit(onFailure, 1))
	}
	c, err := e.ContainerInspect(t.Context(), onFailure)
	require.NoError(t, err)
	assert.Equal(t, 2, c.RestartCount)
	assert.False(t, c.State.Running, "no restart beyond the retry limit")

	always := run(t, e, engine.ContainerSpec{Restart: engine.RestartPolicy{Name: "always"}})
	require.NoError(t, e.Exit(always, 0))
	assert.True(t, state(t, e, always).Running)
}

func TestOOMKill(t *testing.T) {
	e := newFake(t)
	id := run(t, e, engine.ContainerSpec{})
	require.NoError(t, e.OOMKill(id))
	st := state(t, e, id)
	assert.True(t, st.OOMKilled)
	assert.Equal(t, 137, st.ExitCode)
}

func TestHealth(t *testing.T) {
	e := newFake(t)
	ctx := t.Context()
	evs, _ := e.Events(ctx, engine.EventFilter{Types: []string{"container"}})
	hc := &engine.Healthcheck{Test: []string{"CMD", "/testsvc", "probe"}, Retries: 3}
	id := run(t, e, engine.ContainerSpec{Healthcheck: hc})
	assert.Equal(t, "starting", state(t, e, id).Health.Status)
	require.NoError(t, e.SetHealth(id, "unhealthy"))
	h := state(t, e, id).Health
	assert.Equal(t, "unhealthy", h.Status)
	assert.Equal(t, 3, h.FailingStreak)
	require.NoError(t, e.SetHealth(id, "healthy"))
	assert.Equal(t, []string{"create", "start", "health_status: unhealthy", "health_status: healthy"}, actions(t, evs, 4))

	require.ErrorIs(t, e.SetHealth(id, "great"), engine.ErrInvalid)
	plain := run(t, e, engine.ContainerSpec{})
	assert.Nil(t, state(t, e, plain).Health)
	require.ErrorIs(t, e.SetHealth(plain, "healthy"), engine.ErrConflict)
	disabled := run(t, e, engine.ContainerSpec{Healthcheck: &engine.Healthcheck{Test: []string{"NONE"}}})
	assert.Nil(t, state(t, e, disabled).Health)
}

func ptr[T any](v T) *T { return &v }
