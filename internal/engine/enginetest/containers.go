package enginetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// testContainerRoundTrip: create, inspect, list by label and name, start,
// stop, remove; start and stop are idempotent.
func (s *suite) testContainerRoundTrip(t *testing.T, ctx context.Context) {
	spec := s.spec()
	id := s.create(t, ctx, spec)

	c := s.inspect(t, ctx, id)
	assert.Equal(t, id, c.ID)
	assert.Equal(t, spec.Name, c.Name)
	assert.Equal(t, spec.Image, c.Image)
	assertLabels(t, spec.Labels, c.Labels)
	assert.Equal(t, "created", c.State.Status)
	assert.False(t, c.State.Running)
	byName := s.inspect(t, ctx, spec.Name)
	assert.Equal(t, id, byName.ID, "inspect by name")

	mine := engine.ListFilter{Labels: spec.Labels}
	running, err := s.e.ContainerList(ctx, mine)
	require.NoError(t, err)
	assert.Empty(t, running, "a created container is not listed without All")
	all, err := s.e.ContainerList(ctx, engine.ListFilter{All: true, Labels: spec.Labels})
	require.NoError(t, err)
	require.Len(t, all, 1)
	assert.Equal(t, id, all[0].ID)
	assert.Equal(t, spec.Name, all[0].Name)
	assert.Equal(t, "created", all[0].State)

	require.NoError(t, s.e.ContainerStart(ctx, id))
	s.waitReady(t, ctx, id)
	require.NoError(t, s.e.ContainerStart(ctx, id), "starting a running container succeeds")
	c = s.inspect(t, ctx, id)
	assert.True(t, c.State.Running)
	assert.Equal(t, "running", c.State.Status)
	assert.False(t, c.State.StartedAt.IsZero())
	assert.Positive(t, c.State.Pid)
	running, err = s.e.ContainerList(ctx, mine)
	require.NoError(t, err)
	require.Len(t, running, 1)
	assert.Equal(t, "running", running[0].State)
	named, err := s.e.ContainerList(ctx, engine.ListFilter{Name: spec.Name})
	require.NoError(t, err)
	require.Len(t, named, 1, "list by name")
	assert.Equal(t, id, named[0].ID)

	require.NoError(t, s.e.ContainerStop(ctx, id, engine.StopOptions{Timeout: ptr(10 * time.Second)}))
	c = s.inspect(t, ctx, id)
	assert.False(t, c.State.Running)
	assert.Equal(t, "exited", c.State.Status)
	assert.False(t, c.State.FinishedAt.Before(c.State.StartedAt))
	require.NoError(t, s.e.ContainerStop(ctx, id, engine.StopOptions{}), "stopping a stopped container succeeds")

	require.NoError(t, s.e.ContainerRemove(ctx, id, engine.RemoveOptions{}))
	_, err = s.e.ContainerInspect(ctx, id)
	requireKind(t, engine.ErrNotFound, err, "inspect removed container")
	all, err = s.e.ContainerList(ctx, engine.ListFilter{All: true, Labels: spec.Labels})
	require.NoError(t, err)
	assert.Empty(t, all)
}

// testRemoveRunning: removing a running container is refused with
// ErrConflict and leaves it running.
func (s *suite) testRemoveRunning(t *testing.T, ctx context.Context) {
	spec := s.spec()
	id := s.create(t, ctx, spec)
	require.NoError(t, s.e.ContainerStart(ctx, id))
	err := s.e.ContainerRemove(ctx, id, engine.RemoveOptions{Volumes: true})
	requireKind(t, engine.ErrConflict, err, "remove running container")
	c := s.inspect(t, ctx, id)
	assert.True(t, c.State.Running, "still running after the refused removal")
}

// testCreateConflicts: a name in use is ErrConflict and the first
// container is untouched.
func (s *suite) testCreateConflicts(t *testing.T, ctx context.Context) {
	spec := s.spec()
	id := s.create(t, ctx, spec)
	_, err := s.e.ContainerCreate(ctx, spec)
	requireKind(t, engine.ErrConflict, err, "create with a name in use")
	assert.Equal(t, id, s.inspect(t, ctx, spec.Name).ID)
}
