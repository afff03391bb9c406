package fake_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

func TestFixedHostPortCollides(t *testing.T) {
	e := newFake(t)
	fixed := []engine.PortBinding{{ContainerPort: 8080, HostPort: "18080"}}
	a := run(t, e, engine.ContainerSpec{Ports: fixed})
	b, err := e.ContainerCreate(t.Context(), engine.ContainerSpec{Image: testImage, Ports: fixed})
	require.NoError(t, err)
	err = e.ContainerStart(t.Context(), b)
	require.ErrorIs(t, err, engine.ErrConflict)
	assert.Contains(t, err.Error(), "port is already allocated")
	assert.Equal(t, "created", state(t, e, b).Status)

	require.NoError(t, e.ContainerStop(t.Context(), a, engine.StopOptions{}))
	require.NoError(t, e.ContainerStart(t.Context(), b), "the port is free once its holder stopped")
	c, err := e.ContainerInspect(t.Context(), b)
	require.NoError(t, err)
	require.Len(t, c.Ports, 1)
	assert.Equal(t, 18080, c.Ports[0].HostPort)
}

func TestEphemeralPortsAreAboveRangeStart(t *testing.T) {
	e := newFake(t)
	id := run(t, e, engine.ContainerSpec{Ports: []engine.PortBinding{{ContainerPort: 80}, {ContainerPort: 53, Protocol: "udp", HostPort: "0"}}})
	c, err := e.ContainerInspect(t.Context(), id)
	require.NoError(t, err)
	require.Len(t, c.Ports, 2)
	for _, p := range c.Ports {
		assert.GreaterOrEqual(t, p.HostPort, 32768)
	}
	assert.Equal(t, "udp", c.Ports[1].Protocol)
}

func TestAmbiguousNetworkName(t *testing.T) {
	e := newFake(t)
	a, err := e.NetworkCreate(t.Context(), engine.NetworkSpec{Name: "dup"})
	require.NoError(t, err)
	b, err := e.NetworkCreate(t.Context(), engine.NetworkSpec{Name: "dup"})
	require.NoError(t, err, "the daemon allows two networks of one name")
	_, err = e.NetworkInspect(t.Context(), "dup")
	require.ErrorIs(t, err, engine.ErrTransient)
	assert.Contains(t, err.Error(), "network dup is ambiguous (2 matches found on name)")
	cid, err := e.ContainerCreate(t.Context(), engine.ContainerSpec{Image: testImage, Networks: []engine.EndpointSpec{{Network: "dup"}}})
	require.NoError(t, err, "Docker 20.10 resolves networks at start")
	require.ErrorIs(t, e.ContainerStart(t.Context(), cid), engine.ErrTransient)
	for _, id := range []string{a, b} {
		n, err := e.NetworkInspect(t.Context(), id)
		require.NoError(t, err, "by ID is unambiguous")
		assert.Equal(t, "dup", n.Name)
	}
	_, err = e.NetworkCreate(t.Context(), engine.NetworkSpec{Name: "bridge"})
	require.ErrorIs(t, err, engine.ErrConflict)
	require.ErrorIs(t, e.NetworkRemove(t.Context(), "bridge"), engine.ErrInvalid)
}

func TestRemovedNetworkFailsLaterStart(t *testing.T) {
	e := newFake(t)
	nid, err := e.NetworkCreate(t.Context(), engine.NetworkSpec{Name: "n1"})
	require.NoError(t, err)
	cid, err := e.ContainerCreate(t.Context(), engine.ContainerSpec{Image: testImage, Networks: []engine.EndpointSpec{{Network: "n1"}}})
	require.NoError(t, err)
	require.NoError(t, e.NetworkRemove(t.Context(), nid), "a created container is not an endpoint")
	require.ErrorIs(t, e.ContainerStart(t.Context(), cid), engine.ErrNotFound)
	assert.Equal(t, "created", state(t, e, cid).Status)
}

func TestNetworkCreatedAfterContainerIsJoinedAtStart(t *testing.T) {
	e := newFake(t)
	cid, err := e.ContainerCreate(t.Context(), engine.ContainerSpec{
		Image: testImage, Networks: []engine.EndpointSpec{{Network: "later", Aliases: []string{"db"}}},
	})
	require.NoError(t, err)
	require.ErrorIs(t, e.ContainerStart(t.Context(), cid), engine.ErrNotFound)
	nid, err := e.NetworkCreate(t.Context(), engine.NetworkSpec{Name: "later"})
	require.NoError(t, err)
	require.NoError(t, e.ContainerStart(t.Context(), cid))
	n, err := e.NetworkInspect(t.Context(), nid)
	require.NoError(t, err)
	assert.Equal(t, []string{cid}, n.Containers)
	c, err := e.ContainerInspect(t.Context(), cid)
	require.NoError(t, err)
	assert.Equal(t, []string{"db", cid[:12]}, c.Networks["later"])
}

func TestImageReimportLeavesDangling(t *testing.T) {
	e := newFake(t)
	ctx := t.Context()
	require.NoError(t, e.ImageImport(ctx, strings.NewReader("one"), "app", []string{"LABEL team=x"}))
	old, err := e.ImageInspect(ctx, "app:latest")
	require.NoError(t, err)
	assert.Equal(t, "x", old.Labels["team"])
	_, err = e.ContainerCreate(ctx, engine.ContainerSpec{Name: "user", Image: "app"})
	require.NoError(t, err)
	require.NoError(t, e.ImageImport(ctx, strings.NewReader("twotwo"), "app", nil))

	dangling, err := e.ImageInspect(ctx, old.ID)
	require.NoError(t, err, "the old image stays, untagged")
	assert.Empty(t, dangling.RepoTags)
	assert.Equal(t, int64(3), dangling.Size)
	cur, err := e.ImageInspect(ctx, "app")
	require.NoError(t, err)
	assert.NotEqual(t, old.ID, cur.ID, "the tag moved to the new image")

	require.ErrorIs(t, e.ImageRemove(ctx, old.ID), engine.ErrConflict, "a dangling image a container uses is kept")
	require.NoError(t, e.ContainerRemove(ctx, "user", engine.RemoveOptions{}))
	require.NoError(t, e.ImageRemove(ctx, old.ID))
	_, err = e.ImageInspect(ctx, old.ID)
	require.ErrorIs(t, err, engine.ErrNotFound)

	require.ErrorIs(t, e.ImageImport(ctx, strings.NewReader(""), "bad", []string{"RUN rm -rf /"}), engine.ErrInvalid)
}

func TestImageEnvAndLabelsMergeIntoContainers(t *testing.T) {
	e := newFake(t)
	ctx := t.Context()
	require.NoError(t, e.ImageImport(ctx, strings.NewReader("x"), "envy:1", []string{`ENV A=1 B="two words"`, "LABEL l=img k=img"}))
	id, err := e.ContainerCreate(ctx, engine.ContainerSpec{Image: "envy:1", Env: []string{"B=mine", "C=3"}, Labels: map[string]string{"k": "ctr"}})
	require.NoError(t, err)
	c, err := e.ContainerInspect(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, []string{"A=1", "B=mine", "C=3"}, c.Env)
	assert.Equal(t, map[string]string{"l": "img", "k": "ctr"}, c.Labels)
}

func TestVolumeCreateIsIdempotent(t *testing.T) {
	e := newFake(t)
	v1, err := e.VolumeCreate(t.Context(), engine.VolumeSpec{Name: "data", Labels: map[string]string{"a": "1"}})
	require.NoError(t, err)
	v2, err := e.VolumeCreate(t.Context(), engine.VolumeSpec{Name: "data"})
	require.NoError(t, err)
	assert.Equal(t, v1, v2)
	_, err = e.VolumeCreate(t.Context(), engine.VolumeSpec{Name: "data", Driver: "nfs"})
	require.ErrorIs(t, err, engine.ErrConflict)
	vs, err := e.VolumeList(t.Context(), engine.ListFilter{Labels: map[string]string{"a": ""}})
	require.NoError(t, err)
	assert.Len(t, vs, 1, "a label filter with an empty value matches the key")
}
