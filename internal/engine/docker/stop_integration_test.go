package docker_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client/pkg/versions"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/docker"
	"github.com/berth-dev/berth/internal/itest"
)

// apiStartInterval is the first API version with the healthcheck
// start_interval.
const apiStartInterval = "1.44"

// TestIntegrationStopSignal stops with an explicit signal: one the test
// service handles (it exits 0 at once) and one it ignores (killed after the
// timeout). Daemons before API 1.42 need the engine's own emulation.
func TestIntegrationStopSignal(t *testing.T) {
	e, labels, name := setup(t)
	ctx := t.Context()
	ref := itest.Image(t, e)
	for i, tc := range []struct {
		signal   string
		wantCode int
	}{{"SIGINT", 0}, {"SIGWINCH", 137}} {
		id, err := e.ContainerCreate(ctx, engine.ContainerSpec{Name: fmt.Sprintf("%s-%d", name, i), Image: ref, Labels: labels})
		require.NoError(t, err)
		require.NoError(t, e.ContainerStart(ctx, id))
		require.Eventually(t, func() bool {
			logs, err := engine.Logs(ctx, e, id, engine.LogOptions{})
			return err == nil && strings.Contains(string(logs), "listening on")
		}, 10*time.Second, 50*time.Millisecond, "test service never started (its handlers are installed before it listens)")
		timeout := time.Second
		require.NoError(t, e.ContainerStop(ctx, id, engine.StopOptions{Signal: tc.signal, Timeout: &timeout}))
		c, err := e.ContainerInspect(ctx, id)
		require.NoError(t, err)
		assert.False(t, c.State.Running, tc.signal)
		assert.Equal(t, tc.wantCode, c.State.ExitCode, tc.signal)
		// Stopping a stopped container is fine.
		require.NoError(t, e.ContainerStop(ctx, id, engine.StopOptions{Signal: tc.signal, Timeout: &timeout}))
	}
}

// TestIntegrationStartInterval checks the branch the daemon's API version
// selects: from API 1.44 a health check's start_interval is accepted and
// applied (the first probe comes long before the 30 s interval); before,
// the container is created without it and the engine logs a warning
// naming start_interval and both versions. Only one branch can run
// against one daemon; the other is covered against fake daemons in
// adapter_fake_test.go.
func TestIntegrationStartInterval(t *testing.T) {
	e, labels, name := setup(t)
	var logs syncBuffer
	docker.SetLogger(e, slog.New(slog.NewTextHandler(&logs, nil)))
	ctx := t.Context()
	v, err := e.Version(ctx)
	require.NoError(t, err)
	t.Logf("daemon API version in use: %s", v.APIVersion)
	_, err = e.ContainerCreate(ctx, engine.ContainerSpec{
		Name: name, Image: itest.Image(t, e), Labels: labels,
		Healthcheck: &engine.Healthcheck{
			Test: []string{"CMD", "/testsvc", "probe"}, Interval: 30 * time.Second,
			StartPeriod: 30 * time.Second, StartInterval: 200 * time.Millisecond,
		},
	})
	require.NoError(t, err)

	if versions.LessThan(v.APIVersion, apiStartInterval) {
		out := logs.String()
		assert.Contains(t, out, "level=WARN")
		assert.Contains(t, out, "start_interval")
		assert.Contains(t, out, apiStartInterval)
		assert.Contains(t, out, v.APIVersion, "the warning names the daemon's version")
		return
	}
	assert.Empty(t, logs.String())
	require.NoError(t, e.ContainerStart(ctx, name))
	require.Eventually(t, func() bool {
		c, err := e.ContainerInspect(ctx, name)
		return err == nil && c.State.Health != nil && c.State.Health.Status == "healthy"
	}, 15*time.Second, 100*time.Millisecond, "healthy well before the 30 s interval: start_interval applied")
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestIntegrationLogsBothStreams: a container's stdout and stderr lines
// both reach ContainerLogs, without stream headers. The test service
// prints its start line and TESTSVC_LOG on stdout, then fails to listen
// twice on one port and says so on stderr (exit 1).
func TestIntegrationLogsBothStreams(t *testing.T) {
	e, labels, name := setup(t)
	ctx := t.Context()
	id, err := e.ContainerCreate(ctx, engine.ContainerSpec{
		Name: name, Image: itest.Image(t, e), Labels: labels,
		Env: []string{"TESTSVC_LOG=hello from stdout"}, Cmd: []string{"--ports", "8080,8080"},
	})
	require.NoError(t, err)
	require.NoError(t, e.ContainerStart(ctx, id))
	require.Eventually(t, func() bool {
		c, err := e.ContainerInspect(ctx, id)
		return err == nil && c.State.Status == "exited"
	}, 30*time.Second, 50*time.Millisecond, "the test service should exit at once")
	c, err := e.ContainerInspect(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, 1, c.State.ExitCode)

	logs, err := engine.Logs(ctx, e, id, engine.LogOptions{})
	require.NoError(t, err)
	out := string(logs)
	assert.Contains(t, out, "testsvc testsvc: starting, ports 8080,8080\n")
	assert.Contains(t, out, "hello from stdout\n")
	assert.Contains(t, out, "testsvc: run service: listen on port 8080: ")
	assert.Contains(t, out, "address already in use\n")
	assert.NotContains(t, out, "\x01\x00\x00\x00", "stdout stream headers must be removed")
	assert.NotContains(t, out, "\x02\x00\x00\x00", "stderr stream headers must be removed")
}
