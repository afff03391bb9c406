package acquire

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lock"
)

func runningContainer(t *testing.T, e *fake.Engine, env, name string, mem int64) string {
	t.Helper()
	ctx := context.Background()
	id, err := e.ContainerCreate(ctx, engine.ContainerSpec{Name: name, Image: "img",
		Labels: map[string]string{labels.Env: env}, MemoryLimit: mem})
	require.NoError(t, err)
	require.NoError(t, e.ContainerStart(ctx, id))
	return id
}

// TestReservedMemoryInspectsEachContainerOnce: a wait for memory checks
// again every second under the reservations' lock; the running
// containers' limits are inspected once each, not on every check, and a
// removed container is forgotten.
func TestReservedMemoryInspectsEachContainerOnce(t *testing.T) {
	ctx := context.Background()
	e := fake.New()
	require.NoError(t, e.ImageImport(ctx, strings.NewReader(""), "img", nil))
	runningContainer(t, e, "other-1", "c-a", 512<<20)
	gone := runningContainer(t, e, "other-1", "c-b", 256<<20)
	runningContainer(t, e, "me", "c-c", 1<<30) // the acquirer's own: not counted
	a := &Acquirer{Engine: e}

	claims := []lock.Claimed{{Name: "other-2", Amount: 1 << 30}}
	for range 5 {
		total, envs, err := a.reservedMemory(ctx, "me", claims)
		require.NoError(t, err)
		assert.Equal(t, int64(512<<20+256<<20+1<<30), total)
		assert.Equal(t, 2, envs)
	}
	assert.Equal(t, 2, e.Calls(engine.OpContainerInspect), "5 checks, 2 other containers: 2 inspects")

	require.NoError(t, e.ContainerStop(ctx, gone, engine.StopOptions{}))
	require.NoError(t, e.ContainerRemove(ctx, gone, engine.RemoveOptions{}))
	runningContainer(t, e, "other-3", "c-d", 128<<20)
	total, envs, err := a.reservedMemory(ctx, "me", claims)
	require.NoError(t, err)
	assert.Equal(t, int64(512<<20+128<<20+1<<30), total, "the removed container no longer counts")
	assert.Equal(t, 3, envs)
	assert.Equal(t, 3, e.Calls(engine.OpContainerInspect), "only the new container was inspected")
	assert.Len(t, a.memLimits.by, 2, "the removed container was forgotten")
}
