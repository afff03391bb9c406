package lifecycle_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lifecycle"
)

func createNetwork(t *testing.T, e engine.Engine, name string, lbl map[string]string) string {
	t.Helper()
	id, err := e.NetworkCreate(t.Context(), engine.NetworkSpec{Name: name, Labels: lbl})
	require.NoError(t, err)
	return id
}

func requireNetwork(t *testing.T, e engine.Engine, id string) engine.Network {
	t.Helper()
	n, err := e.NetworkInspect(t.Context(), id)
	require.NoError(t, err)
	return n
}

func TestRemoveNetworkEmpty(t *testing.T) {
	e := newFake(t)
	id := createNetwork(t, e, "envA_default", berthLabels("A"))

	require.NoError(t, lifecycle.RemoveNetwork(t.Context(), e, id, nil))
	_, err := e.NetworkInspect(t.Context(), id)
	require.ErrorIs(t, err, engine.ErrNotFound)
	require.NoError(t, lifecycle.RemoveNetwork(t.Context(), e, id, nil), "not found is done")
}

func TestRemoveNetworkRefusesForeignNetwork(t *testing.T) {
	e := newFake(t)
	foreign := createNetwork(t, e, "theirs", map[string]string{"owner": "someone"})
	otherEnv := createNetwork(t, e, "envB_default", berthLabels("B"))
	onlyA := func(m map[string]string) bool { return m[labels.Env] == "A" }

	require.ErrorIs(t, lifecycle.RemoveNetwork(t.Context(), e, foreign, nil), lifecycle.ErrNotOwned)
	require.ErrorIs(t, lifecycle.RemoveNetwork(t.Context(), e, otherEnv, onlyA), lifecycle.ErrNotOwned)
	requireNetwork(t, e, foreign)
	requireNetwork(t, e, otherEnv)
	assert.Zero(t, e.Calls(engine.OpNetworkRemove))
}

func TestRemoveNetworkRefusesWhileBerthContainerRuns(t *testing.T) {
	e := newFake(t)
	nid := createNetwork(t, e, "envA_default", berthLabels("A"))
	cid := runContainer(t, e, engine.ContainerSpec{Name: "envA-web-1", Labels: berthLabels("A"),
		Networks: []engine.EndpointSpec{{Network: nid}}})

	err := lifecycle.RemoveNetwork(t.Context(), e, nid, nil)
	var inUse *lifecycle.NetworkInUseError
	require.ErrorAs(t, err, &inUse)
	assert.Equal(t, []string{"envA-web-1"}, inUse.Running)
	assert.Zero(t, e.Calls(engine.OpNetworkDisconnect), "a running container is never disconnected")
	assert.Equal(t, []string{cid}, requireNetwork(t, e, nid).Containers)

	_, err = lifecycle.StopAndRemove(t.Context(), e, cid, lifecycle.StopOptions{})
	require.NoError(t, err)
	require.NoError(t, lifecycle.RemoveNetwork(t.Context(), e, nid, nil))
}

func TestRemoveNetworkRefusesForeignContainer(t *testing.T) {
	e := newFake(t)
	nid := createNetwork(t, e, "envA_default", berthLabels("A"))
	runContainer(t, e, engine.ContainerSpec{Name: "intruder", Networks: []engine.EndpointSpec{{Network: nid}}})

	err := lifecycle.RemoveNetwork(t.Context(), e, nid, nil)
	var inUse *lifecycle.NetworkInUseError
	require.ErrorAs(t, err, &inUse)
	assert.Equal(t, []string{"intruder"}, inUse.Foreign)
	requireNetwork(t, e, nid)
}

// staleEndpoints is an engine whose network inspection also lists the
// given stopped containers as attached until they are disconnected, as
// the daemon does for a container caught between stop and teardown.
type staleEndpoints struct {
	*fake.Engine
	mu       sync.Mutex
	attached []string
}

func (s *staleEndpoints) NetworkInspect(ctx context.Context, id string) (engine.Network, error) {
	n, err := s.Engine.NetworkInspect(ctx, id)
	s.mu.Lock()
	defer s.mu.Unlock()
	n.Containers = append(n.Containers, s.attached...)
	return n, err
}

func (s *staleEndpoints) NetworkDisconnect(ctx context.Context, network, container string) error {
	s.mu.Lock()
	s.attached = slices.DeleteFunc(s.attached, func(id string) bool { return id == container })
	s.mu.Unlock()
	return s.Engine.NetworkDisconnect(ctx, network, container)
}

func TestRemoveNetworkDetachesStoppedBerthContainers(t *testing.T) {
	e := newFake(t)
	nid := createNetwork(t, e, "envA_default", berthLabels("A"))
	cid := createContainer(t, e, engine.ContainerSpec{Labels: berthLabels("A"),
		Networks: []engine.EndpointSpec{{Network: nid}}})
	se := &staleEndpoints{Engine: e, attached: []string{cid}}

	require.NoError(t, lifecycle.RemoveNetwork(t.Context(), se, nid, nil))
	assert.Equal(t, 1, e.Calls(engine.OpNetworkDisconnect))
	_, err := e.NetworkInspect(t.Context(), nid)
	require.ErrorIs(t, err, engine.ErrNotFound)
}

// lateAttach is an engine where a berth container joins the network between
// berth's last inspection and its remove request; the remove is refused
// the way Docker 20.10 does it (403, which the adapter calls ErrInvalid).
type lateAttach struct {
	*fake.Engine
	t    *testing.T
	once sync.Once
}

func (l *lateAttach) NetworkRemove(ctx context.Context, id string) error {
	l.once.Do(func() {
		runContainer(l.t, l.Engine, engine.ContainerSpec{Labels: berthLabels("A"), Networks: []engine.EndpointSpec{{Network: id}}})
	})
	if err := l.Engine.NetworkRemove(ctx, id); err != nil {
		return engine.Wrap(engine.OpNetworkRemove, engine.ErrInvalid, err)
	}
	return nil
}

func TestRemoveNetworkLateAttachIsInUse(t *testing.T) {
	e := newFake(t)
	nid := createNetwork(t, e, "envA_default", berthLabels("A"))

	err := lifecycle.RemoveNetwork(t.Context(), &lateAttach{Engine: e, t: t}, nid, nil)
	var inUse *lifecycle.NetworkInUseError
	require.ErrorAs(t, err, &inUse)
	require.ErrorIs(t, err, engine.ErrInvalid, "the daemon's answer is kept")
	requireNetwork(t, e, nid)
}
