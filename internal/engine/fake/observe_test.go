package fake_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
)

func TestLogsEchoTestsvcLogAndAppend(t *testing.T) {
	e := newFake(t)
	id := run(t, e, engine.ContainerSpec{Env: []string{"TESTSVC_LOG=ready"}})
	require.NoError(t, e.AppendLog(id, "second"))
	out, err := engine.Logs(t.Context(), e, id, engine.LogOptions{})
	require.NoError(t, err)
	assert.Equal(t, "ready\nsecond\n", string(out))
	out, err = engine.Logs(t.Context(), e, id, engine.LogOptions{Tail: 1})
	require.NoError(t, err)
	assert.Equal(t, "second\n", string(out))
	require.ErrorIs(t, e.AppendLog("nope", "x"), engine.ErrNotFound)
}

func TestStatsDefaultsAndHook(t *testing.T) {
	e := newFake(t, fake.WithMemTotal(1<<30))
	id := run(t, e, engine.ContainerSpec{})
	st, err := e.ContainerStats(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, engine.Stats{MemoryLimit: 1 << 30}, st, "no limit: the host's memory")
	want := engine.Stats{MemoryUsage: 90 << 20, MemoryLimit: 100 << 20, CPUPercent: 12.5}
	require.NoError(t, e.SetStats(id, want))
	st, err = e.ContainerStats(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, want, st)
}

func TestExecHook(t *testing.T) {
	var mu sync.Mutex
	var calls [][]string
	e := newFake(t, fake.WithExec(func(id string, spec engine.ExecSpec) engine.ExecResult {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, spec.Cmd)
		return engine.ExecResult{ExitCode: 1, Output: []byte("unhealthy")}
	}))
	id := run(t, e, engine.ContainerSpec{})
	r, err := engine.Exec(t.Context(), e, id, "/testsvc", "probe")
	require.NoError(t, err)
	assert.Equal(t, 1, r.ExitCode)
	assert.Equal(t, "unhealthy", string(r.Output))
	assert.Equal(t, [][]string{{"/testsvc", "probe"}}, calls)
}

func TestDaemonInfo(t *testing.T) {
	e := newFake(t, fake.WithMemTotal(4<<30), fake.WithAPIVersion("1.44"))
	other := fake.New()
	in, err := e.Info(t.Context())
	require.NoError(t, err)
	assert.Regexp(t, `^FAKE:`, in.ID)
	assert.Equal(t, int64(4<<30), in.MemTotal)
	assert.Equal(t, 2, in.NCPU)
	oin, err := other.Info(t.Context())
	require.NoError(t, err)
	assert.NotEqual(t, in.ID, oin.ID, "each fake is its own daemon")
	assert.NotEqual(t, e.Endpoint(), other.Endpoint())

	run(t, e, engine.ContainerSpec{})
	in, err = e.Info(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, in.ContainersRunning)
	p, err := e.Ping(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "1.44", p.APIVersion)
	du, err := e.DiskUsage(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, du.Images.Active)
	assert.Equal(t, 1, du.Containers.Active)
}

// The default exec of the test image's health check agrees with the
// health status the test set.
func TestExecProbeFollowsHealth(t *testing.T) {
	e := newFake(t)
	id := run(t, e, engine.ContainerSpec{Healthcheck: &engine.Healthcheck{Test: []string{"CMD", "/testsvc", "probe"}}})
	probe := func() int {
		r, err := engine.Exec(t.Context(), e, id, "/testsvc", "probe")
		require.NoError(t, err)
		return r.ExitCode
	}
	assert.Equal(t, 1, probe(), "starting")
	require.NoError(t, e.SetHealth(id, "healthy"))
	assert.Equal(t, 0, probe(), "healthy")
	require.NoError(t, e.SetHealth(id, "unhealthy"))
	assert.Equal(t, 1, probe(), "unhealthy")
	plain := run(t, e, engine.ContainerSpec{})
	r, err := engine.Exec(t.Context(), e, plain, "/testsvc", "probe")
	require.NoError(t, err)
	assert.Zero(t, r.ExitCode, "no health check")
}
