package live

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
)

func TestGatherOverTheFake(t *testing.T) {
	ctx := context.Background()
	e := fake.New(fake.WithMemTotal(1 << 30))
	require.NoError(t, e.ImageImport(ctx, strings.NewReader(""), "img", nil))
	id, err := e.ContainerCreate(ctx, engine.ContainerSpec{Name: "svc", Image: "img", MemoryLimit: 64 << 20})
	require.NoError(t, err)
	require.NoError(t, e.ContainerStart(ctx, id))
	_, err = e.ContainerCreate(ctx, engine.ContainerSpec{Name: "idle", Image: "img"})
	require.NoError(t, err)
	now := time.Now()
	f := Gather(ctx, e, Options{Now: func() time.Time { return now }, StaleAfter: time.Hour})
	require.True(t, f.Reachable)
	assert.Empty(t, f.Errors)
	assert.Equal(t, now, f.Now)
	require.Len(t, f.Containers, 2)
	for _, c := range f.Containers {
		if c.ID == id {
			assert.True(t, c.Inspected)
			assert.Equal(t, int64(64<<20), c.MemoryLimit)
			require.NotNil(t, c.Sample)
		} else {
			assert.False(t, c.Inspected, "only running containers are inspected")
			assert.Nil(t, c.Sample)
		}
	}
}

func TestGatherUnreachable(t *testing.T) {
	e := fake.New()
	e.FailAll(engine.ErrUnavailable)
	f := Gather(context.Background(), e, Options{})
	assert.False(t, f.Reachable)
	assert.Contains(t, f.Unreachable, "daemon unavailable")
	assert.Equal(t, 1, e.Calls(engine.OpPing), "nothing is asked after a failed ping")
	assert.Zero(t, e.Calls(engine.OpDiskUsage))
}
