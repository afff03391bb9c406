package enginetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// createVolume creates a labelled volume, registering its removal first
// (by name, or by the generated name once known).
func (s *suite) createVolume(t *testing.T, ctx context.Context, name string) engine.Volume {
	t.Helper()
	if name != "" {
		t.Cleanup(func() { s.removeVolume(t, name) })
	}
	v, err := s.e.VolumeCreate(ctx, engine.VolumeSpec{Name: name, Labels: s.labels()})
	if name == "" && v.Name != "" {
		t.Cleanup(func() { s.removeVolume(t, v.Name) })
	}
	require.NoError(t, err, "create volume %q", name)
	return v
}

// testVolumes: create named and unnamed volumes, list by label; a volume a
// container mounts cannot be removed; once the container is gone it can.
func (s *suite) testVolumes(t *testing.T, ctx context.Context) {
	name := s.name("v")
	v := s.createVolume(t, ctx, name)
	assert.Equal(t, name, v.Name)
	assert.Equal(t, s.run, v.Labels[LabelKey])
	gen := s.createVolume(t, ctx, "")
	assert.NotEmpty(t, gen.Name, "the daemon names an unnamed volume")
	assert.NotEqual(t, name, gen.Name)

	listed, err := s.e.VolumeList(ctx, engine.ListFilter{Labels: v.Labels})
	require.NoError(t, err)
	require.Len(t, listed, 1)
	assert.Equal(t, name, listed[0].Name)

	spec := s.spec()
	spec.Mounts = []engine.Mount{{Type: "volume", Source: name, Target: "/data"}}
	cid := s.create(t, ctx, spec)
	err = s.e.VolumeRemove(ctx, name)
	requireKind(t, engine.ErrConflict, err, "remove a volume a container mounts")
	require.NoError(t, s.e.ContainerRemove(ctx, cid, engine.RemoveOptions{}))

	require.NoError(t, s.e.VolumeRemove(ctx, name))
	require.NoError(t, s.e.VolumeRemove(ctx, gen.Name))
	left, err := s.e.VolumeList(ctx, engine.ListFilter{Labels: v.Labels})
	require.NoError(t, err)
	assert.Empty(t, left)
}

// testAnonymousVolume: an unnamed volume mount gets a volume, shown in
// inspect, that removing the container with Volumes removes too.
func (s *suite) testAnonymousVolume(t *testing.T, ctx context.Context) {
	spec := s.spec()
	spec.Mounts = []engine.Mount{{Type: "volume", Target: "/data"}}
	id := s.create(t, ctx, spec)
	c := s.inspect(t, ctx, id)
	require.Len(t, c.Mounts, 1)
	m := c.Mounts[0]
	assert.Equal(t, "volume", m.Type)
	assert.Equal(t, "/data", m.Target)
	require.NotEmpty(t, m.Source, "the anonymous volume's name")
	t.Cleanup(func() { s.removeVolume(t, m.Source) })

	require.NoError(t, s.e.ContainerRemove(ctx, id, engine.RemoveOptions{Volumes: true}))
	err := s.e.VolumeRemove(ctx, m.Source)
	requireKind(t, engine.ErrNotFound, err, "remove the anonymous volume after its container")
}
