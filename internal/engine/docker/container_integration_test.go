package docker

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client/pkg/versions"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// TestIntegrationContainerLifecycle drives one container through the
// adapter on the real daemon: create on two networks, start, health,
// inspect, exec, logs, stats, refused removal, graceful stop, removal.
func TestIntegrationContainerLifecycle(t *testing.T) {
	e, run := integrationEngine(t)
	ctx := context.Background()
	labels := map[string]string{testLabel: run}
	ref := buildSleeperImage(t, e, run)

	img, err := e.ImageInspect(ctx, ref)
	require.NoError(t, err)
	assert.Equal(t, run, img.Labels[testLabel])
	assert.Contains(t, img.RepoTags, ref)

	var nets []string
	for _, suffix := range []string{"a", "b"} {
		id, err := e.NetworkCreate(ctx, engine.NetworkSpec{Name: "berth-it-" + run + "-" + suffix, Labels: labels, CheckDuplicate: true})
		require.NoError(t, err)
		nets = append(nets, id)
	}
	vol, err := e.VolumeCreate(ctx, engine.VolumeSpec{Name: "berth-it-" + run, Labels: labels})
	require.NoError(t, err)

	evCtx, stopEvents := context.WithCancel(ctx)
	defer stopEvents()
	events, _ := e.Events(evCtx, engine.EventFilter{Types: []string{"container"}, Labels: labels})

	grace := 4 * time.Second
	id, err := e.ContainerCreate(ctx, engine.ContainerSpec{
		Name:        "berth-it-" + run,
		Image:       ref,
		Labels:      labels,
		Env:         []string{"BERTH_IT=1"},
		Ports:       []engine.PortBinding{{ContainerPort: 8080}},
		Mounts:      []engine.Mount{{Type: "volume", Source: vol.Name, Target: "/data"}, {Type: "tmpfs", Target: "/scratch"}},
		Networks:    []engine.EndpointSpec{{Network: nets[0], Aliases: []string{"web"}}, {Network: nets[1], Aliases: []string{"web-b"}}},
		Healthcheck: &engine.Healthcheck{Test: []string{"CMD", "/sleeper", "probe"}, Interval: time.Second, Retries: 3},
		MemoryLimit: 64 << 20,
		StopSignal:  "SIGTERM",
		StopTimeout: &grace,
		Restart:     engine.RestartPolicy{Name: "no"},
	})
	require.NoError(t, err)
	require.NoError(t, e.ContainerStart(ctx, id))

	select {
	case ev := <-events:
		assert.Equal(t, id, ev.ActorID)
		assert.Equal(t, "create", ev.Action)
	case <-time.After(10 * time.Second):
		t.Fatal("no create event within 10s")
	}

	require.Eventually(t, func() bool {
		c, err := e.ContainerInspect(ctx, id)
		return err == nil && c.State.Health != nil && c.State.Health.Status == "healthy"
	}, 30*time.Second, 200*time.Millisecond, "container never turned healthy")

	c, err := e.ContainerInspect(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "berth-it-"+run, c.Name)
	assert.Equal(t, ref, c.Image)
	assert.True(t, c.State.Running)
	assert.Equal(t, "SIGTERM", c.StopSignal)
	require.NotNil(t, c.StopTimeout)
	assert.Equal(t, grace, *c.StopTimeout)
	assert.Equal(t, int64(64<<20), c.MemoryLimit)
	assert.Contains(t, c.Env, "BERTH_IT=1")
	require.NotEmpty(t, c.Ports)
	assert.Equal(t, 8080, c.Ports[0].ContainerPort)
	assert.Positive(t, c.Ports[0].HostPort)
	require.Len(t, c.Networks, 2, "both networks attached (the second after create on API < 1.44)")
	assert.Contains(t, c.Networks["berth-it-"+run+"-a"], "web")
	assert.Contains(t, c.Networks["berth-it-"+run+"-b"], "web-b")

	n, err := e.NetworkInspect(ctx, nets[1])
	require.NoError(t, err)
	assert.Equal(t, []string{id}, n.Containers)
	require.ErrorIs(t, e.NetworkRemove(ctx, nets[1]), engine.ErrConflict, "a network in use is refused")

	res, err := e.ContainerExec(ctx, id, []string{"/sleeper", "echo", "hello", "exec"})
	require.NoError(t, err)
	assert.Equal(t, 0, res.ExitCode)
	assert.Equal(t, "hello exec\n", string(res.Output))
	res, err = e.ContainerExec(ctx, id, []string{"/sleeper", "exit", "3"})
	require.NoError(t, err)
	assert.Equal(t, 3, res.ExitCode)
	assert.Equal(t, "exiting with 3\n", string(res.Output))

	logs, err := e.ContainerLogs(ctx, id, engine.LogOptions{})
	require.NoError(t, err)
	assert.Contains(t, string(logs), "sleeper started\n")
	assert.Contains(t, string(logs), "sleeper stderr\n")
	assert.NotContains(t, string(logs), "\x01\x00\x00\x00", "stream headers must be removed")

	st, err := e.ContainerStats(ctx, id)
	require.NoError(t, err)
	assert.Positive(t, st.MemoryUsage)
	assert.Equal(t, int64(64<<20), st.MemoryLimit)

	require.ErrorIs(t, e.ContainerRemove(ctx, id, engine.RemoveOptions{}), engine.ErrConflict,
		"a running container is refused, never forced")

	list, err := e.ContainerList(ctx, engine.ListFilter{Labels: labels})
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "running", list[0].State)
	assert.Equal(t, "berth-it-"+run, list[0].Name)

	start := time.Now()
	require.NoError(t, e.ContainerStop(ctx, id, engine.StopOptions{}))
	assert.Less(t, time.Since(start), grace, "the sleeper exits on SIGTERM, before the grace period")
	c, err = e.ContainerInspect(ctx, id)
	require.NoError(t, err)
	assert.False(t, c.State.Running)
	assert.Equal(t, 0, c.State.ExitCode)

	require.NoError(t, e.ContainerRemove(ctx, id, engine.RemoveOptions{Volumes: true}))
	_, err = e.ContainerInspect(ctx, id)
	require.ErrorIs(t, err, engine.ErrNotFound)
	assert.True(t, strings.Contains(err.Error(), id), "the error names the container: %v", err)
}

// TestIntegrationStopSignal stops with an explicit signal: one the sleeper
// handles (it exits 0 at once) and one it ignores (killed after the
// timeout). Daemons before API 1.42 need the engine's own emulation.
func TestIntegrationStopSignal(t *testing.T) {
	e, run := integrationEngine(t)
	ctx := context.Background()
	ref := buildSleeperImage(t, e, run)
	for i, tc := range []struct {
		signal   string
		wantCode int
	}{{"SIGINT", 0}, {"SIGWINCH", 137}} {
		id, err := e.ContainerCreate(ctx, engine.ContainerSpec{
			Name: fmt.Sprintf("berth-it-%s-%d", run, i), Image: ref, Labels: map[string]string{testLabel: run},
		})
		require.NoError(t, err)
		require.NoError(t, e.ContainerStart(ctx, id))
		require.Eventually(t, func() bool {
			logs, err := e.ContainerLogs(ctx, id, engine.LogOptions{})
			return err == nil && strings.Contains(string(logs), "sleeper started")
		}, 10*time.Second, 50*time.Millisecond, "sleeper never installed its handler")
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

func TestIntegrationStartIntervalOnOldDaemon(t *testing.T) {
	e, run := integrationEngine(t)
	ctx := context.Background()
	v, err := e.apiVersion(ctx)
	require.NoError(t, err)
	if !versions.LessThan(v, apiMultiNetworkCreate) {
		t.Skipf("daemon speaks API %s, which supports start_interval", v)
	}
	_, err = e.ContainerCreate(ctx, engine.ContainerSpec{
		Name: "berth-it-" + run, Image: "berth-none:" + run, Labels: map[string]string{testLabel: run},
		Healthcheck: &engine.Healthcheck{Test: []string{"CMD", "true"}, StartInterval: time.Second},
	})
	require.ErrorIs(t, err, engine.ErrInvalid)
	assert.Contains(t, err.Error(), "start_interval")
}
