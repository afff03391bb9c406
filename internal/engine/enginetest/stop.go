package enginetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// testStopGrace: a service that ignores SIGTERM is killed after the whole
// grace period, with exit code 137.
func (s *suite) testStopGrace(t *testing.T, ctx context.Context) {
	id := s.startReady(t, ctx, s.spec("TESTSVC_IGNORE_SIGTERM=1"))
	start := time.Now()
	require.NoError(t, s.e.ContainerStop(ctx, id, engine.StopOptions{Timeout: ptr(time.Second)}))
	elapsed := time.Since(start)
	assert.GreaterOrEqual(t, elapsed, 900*time.Millisecond, "stop waited the grace period")
	c := s.inspect(t, ctx, id)
	assert.False(t, c.State.Running)
	assert.Equal(t, 137, c.State.ExitCode, "killed after the grace period")
}

// testStopFast: a service that handles SIGTERM stops well within its grace
// period, with exit code 0.
func (s *suite) testStopFast(t *testing.T, ctx context.Context) {
	id := s.startReady(t, ctx, s.spec())
	start := time.Now()
	require.NoError(t, s.e.ContainerStop(ctx, id, engine.StopOptions{Timeout: ptr(10 * time.Second)}))
	assert.Less(t, time.Since(start), 5*time.Second, "stop did not wait the grace period")
	c := s.inspect(t, ctx, id)
	assert.False(t, c.State.Running)
	assert.Equal(t, 0, c.State.ExitCode, "the test service exits 0 on SIGTERM")
}

// testStopSIGKILL: a stop with signal SIGKILL ends even a service that
// ignores SIGTERM at once, with exit code 137, without waiting the grace
// period; stopping it again is not an error.
func (s *suite) testStopSIGKILL(t *testing.T, ctx context.Context) {
	id := s.startReady(t, ctx, s.spec("TESTSVC_IGNORE_SIGTERM=1"))
	start := time.Now()
	opts := engine.StopOptions{Signal: "SIGKILL", Timeout: ptr(30 * time.Second)}
	require.NoError(t, s.e.ContainerStop(ctx, id, opts))
	assert.Less(t, time.Since(start), 10*time.Second, "stop did not wait the grace period")
	c := s.inspect(t, ctx, id)
	assert.False(t, c.State.Running)
	assert.Equal(t, 137, c.State.ExitCode)
	require.NoError(t, s.e.ContainerStop(ctx, id, opts), "stop a stopped container")
}
