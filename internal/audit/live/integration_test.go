package live_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/audit/live"
	"github.com/berth-dev/berth/internal/connect"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/itest"
	"github.com/berth-dev/berth/internal/labels"
)

const mib = 1 << 20

// TestLiveSectionReportsWhatTheTestFilled fills the real daemon with what
// the audits found -- exited containers, a created one of a berth
// environment older than its stale age, an unused volume, a container
// near its memory limit and one without a limit -- and requires each in
// the resource section, gathered through the gate, with its figures.
func TestLiveSectionReportsWhatTheTestFilled(t *testing.T) {
	e := itest.Engine(t)
	img := itest.Image(t, e)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	h := &helper{t: t, e: e, img: img, ctx: ctx, prefix: fmt.Sprintf("audit-%d", time.Now().UnixNano()%1_000_000_000)}

	exited1 := h.run("exited1", engine.ContainerSpec{Cmd: []string{"probe", "--port", "1"}})
	exited2 := h.run("exited2", engine.ContainerSpec{Cmd: []string{"probe", "--port", "1"}})
	envID := h.prefix + "-env"
	created := h.create("created", engine.ContainerSpec{Labels: map[string]string{
		labels.Env: envID, labels.Created: time.Now().Add(-5 * time.Hour).UTC().Format(time.RFC3339), labels.ComposeProject: "auditdemo"}})
	pressed := h.run("pressed", engine.ContainerSpec{Env: []string{"TESTSVC_HOLD_MB=48"}, MemoryLimit: 64 * mib})
	unlimited := h.run("unlimited", engine.ContainerSpec{})
	volume := h.volume("unused")

	h.waitState(exited1, "exited")
	h.waitState(exited2, "exited")
	h.waitState(unlimited, "running")
	h.waitMemory(pressed, 0.70*64*mib)

	conn, err := connect.Over(e, h.getenv, itest.Logger(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	start := time.Now()
	f := live.Gather(ctx, conn, live.Options{StaleAfter: 4 * time.Hour, Log: itest.Logger(t)})
	t.Logf("gathered in %s", time.Since(start).Round(time.Millisecond))
	require.True(t, f.Reachable, f.Unreachable)
	require.Empty(t, f.Errors)
	r := live.Evaluate(f)
	require.True(t, r.Checked)
	for _, l := range r.Lines {
		t.Logf("line: %s", l)
	}

	stopped := map[string]live.Stopped{}
	for _, s := range r.Stopped {
		stopped[s.Name] = s
	}
	for _, name := range []string{exited1.name, exited2.name} {
		s, ok := stopped[name]
		require.True(t, ok, "exited container %s is listed", name)
		assert.Equal(t, "exited", s.State)
		assert.Equal(t, img, s.Image)
		assert.True(t, strings.HasPrefix(s.Status, "Exited (1)"), s.Status)
		assert.LessOrEqual(t, s.Age, int64(time.Since(h.start)/time.Second)+1, "its age counts from its creation in this test")
		assert.Equal(t, short(name, exited1, exited2), s.ID)
	}
	c, ok := stopped[created.name]
	require.True(t, ok, "the created container is listed")
	assert.Equal(t, "created", c.State)
	assert.True(t, c.Berth)

	var env *live.Env
	for i := range r.StaleEnv {
		if r.StaleEnv[i].ID == envID {
			env = &r.StaleEnv[i]
		}
	}
	require.NotNil(t, env, "the environment created 5 h ago is past the 4 h stale age")
	assert.InDelta(t, 5*3600, env.Age, 120)
	assert.Equal(t, int64(4*3600), env.StaleAfter)
	assert.Equal(t, "auditdemo", env.Project)
	assert.Equal(t, 1, env.Containers)

	var vol *live.Volume
	for i := range r.Volumes {
		if r.Volumes[i].Name == volume {
			vol = &r.Volumes[i]
		}
	}
	require.NotNil(t, vol, "the unused volume is listed")
	assert.GreaterOrEqual(t, vol.Size, int64(0))

	var mem *live.MemoryUse
	for i := range r.Memory {
		if r.Memory[i].Name == pressed.name {
			mem = &r.Memory[i]
		}
	}
	require.NotNil(t, mem, "the container near its limit is measured")
	assert.Equal(t, int64(64*mib), mem.Limit)
	assert.Greater(t, mem.Usage, int64(48*mib), "it holds 48 MiB and its runtime")
	assert.Less(t, mem.Usage, int64(64*mib))
	assert.InDelta(t, float64(mem.Usage)*100/float64(mem.Limit), mem.Percent, 1e-9)
	assert.True(t, mem.High)
	independent, err := e.ContainerStats(ctx, pressed.id)
	require.NoError(t, err)
	assert.InDelta(t, float64(independent.MemoryUsage), float64(mem.Usage), 4*mib, "a second sample agrees: the memory is held")
	assert.Contains(t, r.Lines, fmt.Sprintf("%s: %s/64MiB (%.2f%% - HIGH)", pressed.name, bytesSize(mem.Usage), mem.Percent))

	assert.Contains(t, r.NoLimit, unlimited.name)
	assert.NotContains(t, r.NoLimit, pressed.name)
	assert.Equal(t, f.Info.MemTotal, r.Commit.DaemonMemory)
	assert.GreaterOrEqual(t, r.Commit.LimitsSum, int64(64*mib))
	assert.GreaterOrEqual(t, r.Commit.Unlimited, 1)

	require.NotNil(t, r.Disk)
	assert.GreaterOrEqual(t, r.Disk.Volumes.Count, 1)
	assert.GreaterOrEqual(t, r.Disk.Containers.Count, 5)
	assert.Contains(t, strings.Join(r.Lines, "\n"), "Build Cache: ")
}

// TestLiveSectionOfADeadDaemon: nothing answers at the endpoint; the
// section says so, within the ping timeout.
func TestLiveSectionOfADeadDaemon(t *testing.T) {
	e := itest.Engine(t) // the daemon is there; the gate in front of it is told otherwise
	dir := t.TempDir()
	getenv := func(k string) string {
		if k == "BERTH_STATE_DIR" {
			return dir
		}
		return ""
	}
	conn, err := connect.Over(deadEngine{e}, getenv, itest.Logger(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	start := time.Now()
	r := live.Evaluate(live.Gather(t.Context(), conn, live.Options{}))
	assert.False(t, r.Checked)
	assert.Contains(t, r.Reason, "cannot reach the Docker daemon")
	assert.Less(t, time.Since(start), live.PingTimeout+time.Second)
}

// deadEngine is a daemon whose ping is refused.
type deadEngine struct{ engine.Engine }

func (deadEngine) Ping(context.Context) (engine.Ping, error) {
	return engine.Ping{}, engine.Wrap(engine.OpPing, engine.ErrUnavailable, errors.New("connection refused"))
}

func short(name string, cs ...ctr) string {
	for _, c := range cs {
		if c.name == name {
			return c.id[:12]
		}
	}
	return ""
}

// bytesSize formats as the docker CLI's memory figures do.
func bytesSize(n int64) string {
	return strings.TrimSuffix(fmt.Sprintf("%.4g", float64(n)/mib), ".0") + "MiB"
}
