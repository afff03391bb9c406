package enginetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// testLogs: a line the service prints at start appears in its logs.
func (s *suite) testLogs(t *testing.T, ctx context.Context) {
	line := "hello-from-test-" + s.run
	id := s.create(t, ctx, s.spec("TESTSVC_LOG="+line))
	require.NoError(t, s.e.ContainerStart(ctx, id))
	poll(t, ctx, readyTimeout, "log line "+line, func() (bool, string) {
		out, err := engine.Logs(ctx, s.e, id, engine.LogOptions{})
		if err != nil {
			return false, err.Error()
		}
		return strings.Contains(string(out), line), string(out)
	})
	tail, err := engine.Logs(ctx, s.e, id, engine.LogOptions{Tail: 1})
	require.NoError(t, err)
	assert.LessOrEqual(t, strings.Count(strings.TrimRight(string(tail), "\n"), "\n"), 0, "tail 1 is one line: %q", tail)
}

// testExec: the probe exits 0 once the service is up; exec in a stopped
// container is ErrConflict.
func (s *suite) testExec(t *testing.T, ctx context.Context) {
	id := s.startReady(t, ctx, s.spec())
	r, err := engine.Exec(ctx, s.e, id, probeCmd...)
	require.NoError(t, err)
	assert.Equal(t, 0, r.ExitCode, "probe output: %s", r.Output)
	require.NoError(t, s.e.ContainerStop(ctx, id, engine.StopOptions{Timeout: ptr(5 * time.Second)}))
	_, err = engine.Exec(ctx, s.e, id, probeCmd...)
	requireKind(t, engine.ErrConflict, err, "exec in a stopped container")
}

// testStats: a sample of a running container has a non-negative usage and
// the container's memory limit.
func (s *suite) testStats(t *testing.T, ctx context.Context) {
	const limit = 64 << 20
	spec := s.spec()
	spec.MemoryLimit = limit
	id := s.startReady(t, ctx, spec)
	assert.Equal(t, int64(limit), s.inspect(t, ctx, id).MemoryLimit)
	st, err := s.e.ContainerStats(ctx, id)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, st.MemoryUsage, int64(0))
	assert.Equal(t, int64(limit), st.MemoryLimit)
	assert.GreaterOrEqual(t, st.CPUPercent, 0.0)
}
