package lifecycle_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/lifecycle"
	"github.com/berth-dev/berth/internal/lock"
)

func TestIntegrationEnsureNetworkConcurrent(t *testing.T) {
	r := newRealEnv(t)
	spec := engine.NetworkSpec{Name: "berth-" + r.envID, Labels: r.labels}
	locker := lock.Dir{Path: t.TempDir()}

	const n = 12
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			net, err := lifecycle.EnsureNetwork(t.Context(), r.e, locker, spec)
			ids[i], errs[i] = net.ID, err
		})
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		assert.Equal(t, ids[0], ids[i], "caller %d", i)
	}
	nets := exactNetworks(t, r.e, spec.Name)
	require.Len(t, nets, 1)
	assert.Equal(t, ids[0], nets[0].ID)
}

func TestIntegrationRemoveNetworkWaitsForContainers(t *testing.T) {
	r := newRealEnv(t)
	net, err := lifecycle.EnsureNetwork(t.Context(), r.e, lock.Dir{Path: t.TempDir()},
		engine.NetworkSpec{Name: "berth-" + r.envID, Labels: r.labels})
	require.NoError(t, err)
	cid := r.run(t, engine.ContainerSpec{Networks: []engine.EndpointSpec{{Network: net.ID}}})

	err = lifecycle.RemoveNetwork(t.Context(), r.e, net.ID, nil)
	var inUse *lifecycle.NetworkInUseError
	require.ErrorAs(t, err, &inUse)
	assert.Len(t, inUse.Running, 1)
	after := requireNetwork(t, r.e, net.ID)
	assert.Equal(t, []string{cid}, after.Containers, "the running container stays attached")

	_, err = lifecycle.StopAndRemove(t.Context(), r.e, cid, lifecycle.StopOptions{})
	require.NoError(t, err)
	require.NoError(t, lifecycle.RemoveNetwork(t.Context(), r.e, net.ID, nil))
	_, err = r.e.NetworkInspect(t.Context(), net.ID)
	require.ErrorIs(t, err, engine.ErrNotFound)
}
