package docker_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/itest"
)

// TestIntegrationContainerLifecycle drives one test-service container
// through the adapter on the real daemon: create on two networks (the
// second connected after create on API < 1.44) with a volume, a tmpfs and
// a health check, start, create event, health, inspect, exec (exit codes
// and demultiplexed output), logs, stats, refused removals, graceful stop,
// removal.
func TestIntegrationContainerLifecycle(t *testing.T) {
	e, labels, name := setup(t)
	ctx := t.Context()
	ref := itest.Image(t, e)

	img, err := e.ImageInspect(ctx, ref)
	require.NoError(t, err)
	assert.Equal(t, "1", img.Labels["dev.berth.test-image"])
	assert.Contains(t, img.RepoTags, ref)

	var nets []string
	for _, suffix := range []string{"a", "b"} {
		id, err := e.NetworkCreate(ctx, engine.NetworkSpec{Name: name + "-" + suffix, Labels: labels, CheckDuplicate: true})
		require.NoError(t, err)
		nets = append(nets, id)
	}
	vol, err := e.VolumeCreate(ctx, engine.VolumeSpec{Name: name, Labels: labels})
	require.NoError(t, err)

	events, _ := e.Events(ctx, engine.EventFilter{Types: []string{"container"}, Labels: labels})

	grace := 4 * time.Second
	id, err := e.ContainerCreate(ctx, engine.ContainerSpec{
		Name:        name,
		Image:       ref,
		Labels:      labels,
		Env:         []string{"BERTH_IT=1", "TESTSVC_NAME=lifecycle"},
		Ports:       []engine.PortBinding{{ContainerPort: 8080}},
		Mounts:      []engine.Mount{{Type: "volume", Source: vol.Name, Target: "/data"}, {Type: "tmpfs", Target: "/scratch"}},
		Networks:    []engine.EndpointSpec{{Network: nets[0], Aliases: []string{"web"}}, {Network: nets[1], Aliases: []string{"web-b"}}},
		Healthcheck: &engine.Healthcheck{Test: []string{"CMD", "/testsvc", "probe"}, Interval: time.Second, Retries: 3},
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
	assert.Equal(t, name, c.Name)
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
	assert.Contains(t, c.Networks[name+"-a"], "web")
	assert.Contains(t, c.Networks[name+"-b"], "web-b")

	n, err := e.NetworkInspect(ctx, nets[1])
	require.NoError(t, err)
	assert.Equal(t, []string{id}, n.Containers)
	require.ErrorIs(t, e.NetworkRemove(ctx, nets[1]), engine.ErrConflict, "a network in use is refused")

	res, err := engine.Exec(ctx, e, id, "/testsvc", "probe")
	require.NoError(t, err)
	assert.Equal(t, 0, res.ExitCode, "probe output: %s", res.Output)
	// stderr only, exact: no stream header may be left in the output.
	res, err = engine.Exec(ctx, e, id, "/testsvc", "--exit-code", "300")
	require.NoError(t, err)
	assert.Equal(t, 2, res.ExitCode)
	assert.Equal(t, "testsvc: parse config: TESTSVC_EXIT_CODE / --exit-code: parse number \"300\": want 0..255\n", string(res.Output))
	// stdout, and an exit code chosen by the command.
	res, err = engine.Exec(ctx, e, id, "/testsvc", "--name", "exec", "--ports", "0", "--crash-after", "1ms", "--exit-code", "3")
	require.NoError(t, err)
	assert.Equal(t, 3, res.ExitCode)
	assert.True(t, strings.HasPrefix(string(res.Output), "testsvc exec: starting, ports 0\n"), "%q", res.Output)
	assert.True(t, strings.HasSuffix(string(res.Output), "testsvc exec: crash after 1ms, exit 3\n"), "%q", res.Output)

	logs, err := engine.Logs(ctx, e, id, engine.LogOptions{})
	require.NoError(t, err)
	assert.Contains(t, string(logs), "testsvc lifecycle: starting, ports 8080\n")
	assert.Contains(t, string(logs), "testsvc lifecycle: listening on ")
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
	assert.Equal(t, name, list[0].Name)

	start := time.Now()
	require.NoError(t, e.ContainerStop(ctx, id, engine.StopOptions{}))
	assert.Less(t, time.Since(start), grace, "the test service exits on SIGTERM, before the grace period")
	c, err = e.ContainerInspect(ctx, id)
	require.NoError(t, err)
	assert.False(t, c.State.Running)
	assert.Equal(t, 0, c.State.ExitCode)

	require.NoError(t, e.ContainerRemove(ctx, id, engine.RemoveOptions{Volumes: true}))
	_, err = e.ContainerInspect(ctx, id)
	require.ErrorIs(t, err, engine.ErrNotFound)
	assert.Contains(t, err.Error(), id, "the error names the container")
}
