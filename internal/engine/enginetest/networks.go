package enginetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// createNetwork creates a labelled network, registering its removal first.
func (s *suite) createNetwork(t *testing.T, ctx context.Context) (string, engine.NetworkSpec) {
	t.Helper()
	spec := engine.NetworkSpec{Name: s.name("n"), Labels: s.labels(), CheckDuplicate: true}
	t.Cleanup(func() { s.removeNetworks(t, spec.Name) })
	id, err := s.e.NetworkCreate(ctx, spec)
	require.NoError(t, err, "create network %s", spec.Name)
	require.NotEmpty(t, id)
	return id, spec
}

// testNetworks: create, inspect by ID and name, list by label, attach at
// create (with aliases), disconnect; a network with a running container
// cannot be removed; once it has none it can.
func (s *suite) testNetworks(t *testing.T, ctx context.Context) {
	nid, nspec := s.createNetwork(t, ctx)
	n, err := s.e.NetworkInspect(ctx, nid)
	require.NoError(t, err)
	assert.Equal(t, nspec.Name, n.Name)
	assert.Equal(t, "bridge", n.Driver)
	assertLabels(t, nspec.Labels, n.Labels)
	assert.Empty(t, n.Containers)
	byName, err := s.e.NetworkInspect(ctx, nspec.Name)
	require.NoError(t, err)
	assert.Equal(t, nid, byName.ID)
	listed, err := s.e.NetworkList(ctx, engine.ListFilter{Labels: nspec.Labels})
	require.NoError(t, err)
	require.Len(t, listed, 1)
	assert.Equal(t, nid, listed[0].ID)

	aSpec := s.spec()
	aSpec.Networks = []engine.EndpointSpec{{Network: nspec.Name, Aliases: []string{"svc-a"}}}
	a := s.create(t, ctx, aSpec)
	require.NoError(t, s.e.ContainerStart(ctx, a))
	assert.Contains(t, s.inspect(t, ctx, a).Networks[nspec.Name], "svc-a")
	s.requireEndpoints(t, ctx, nid, a)

	err = s.e.NetworkRemove(ctx, nid)
	requireKind(t, engine.ErrConflict, err, "remove a network with a running container")
	s.requireEndpoints(t, ctx, nid, a)

	bSpec := s.spec()
	bSpec.Networks = []engine.EndpointSpec{{Network: nspec.Name, Aliases: []string{"svc-b"}}}
	b := s.create(t, ctx, bSpec)
	require.NoError(t, s.e.ContainerStart(ctx, b))
	assert.Contains(t, s.inspect(t, ctx, b).Networks[nspec.Name], "svc-b")
	s.requireEndpoints(t, ctx, nid, a, b)
	require.NoError(t, s.e.NetworkDisconnect(ctx, nid, b))
	assert.NotContains(t, s.inspect(t, ctx, b).Networks, nspec.Name)
	s.requireEndpoints(t, ctx, nid, a)

	require.NoError(t, s.e.ContainerStop(ctx, a, engine.StopOptions{Timeout: ptr(5 * time.Second)}))
	s.requireEndpoints(t, ctx, nid)
	require.NoError(t, s.e.NetworkRemove(ctx, nid))
	_, err = s.e.NetworkInspect(ctx, nid)
	requireKind(t, engine.ErrNotFound, err, "inspect removed network")
}

// requireEndpoints requires network nid's attached containers to be ids.
func (s *suite) requireEndpoints(t *testing.T, ctx context.Context, nid string, ids ...string) {
	t.Helper()
	n, err := s.e.NetworkInspect(ctx, nid)
	require.NoError(t, err)
	require.ElementsMatch(t, ids, n.Containers, "containers attached to network %s", n.Name)
}

// testNetworkDuplicate: CheckDuplicate refuses a second network of a name
// with ErrConflict.
func (s *suite) testNetworkDuplicate(t *testing.T, ctx context.Context) {
	_, spec := s.createNetwork(t, ctx)
	_, err := s.e.NetworkCreate(ctx, spec)
	requireKind(t, engine.ErrConflict, err, "create a duplicate network with CheckDuplicate")
	nets, err := s.e.NetworkList(ctx, engine.ListFilter{Labels: s.runLabel(), Name: spec.Name})
	require.NoError(t, err)
	assert.Len(t, nets, 1, "no second network was created")
}
