package lifecycle_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
	"github.com/berth-dev/berth/internal/lifecycle"
)

// exactNetworks lists the networks named exactly name.
func exactNetworks(t *testing.T, e engine.Engine, name string) []engine.Network {
	t.Helper()
	all, err := e.NetworkList(t.Context(), engine.ListFilter{Name: name})
	require.NoError(t, err)
	var out []engine.Network
	for _, n := range all {
		if n.Name == name {
			out = append(out, n)
		}
	}
	return out
}

func TestEnsureNetworkCreatesOnceThenReuses(t *testing.T) {
	e := newFake(t)
	createNetwork(t, e, "envA_default_extra", berthLabels("A")) // a substring match, not ours
	spec := engine.NetworkSpec{Name: "envA_default", Labels: berthLabels("A")}

	n1, err := lifecycle.EnsureNetwork(t.Context(), e, &memLocker{}, spec)
	require.NoError(t, err)
	n2, err := lifecycle.EnsureNetwork(t.Context(), e, &memLocker{}, spec)
	require.NoError(t, err)
	assert.Equal(t, "envA_default", n1.Name)
	assert.Equal(t, n1.ID, n2.ID)
	assert.Equal(t, 2, e.Calls(engine.OpNetworkCreate), "one for the decoy, one for envA_default")
	assert.Len(t, exactNetworks(t, e, "envA_default"), 1)
}

func TestEnsureNetworkConcurrentConverges(t *testing.T) {
	for name, locker := range map[string]lifecycle.Locker{
		"with lock":    &memLocker{},
		"without lock": noLocker{}, // the daemon's duplicate check and the re-list converge
	} {
		t.Run(name, func(t *testing.T) {
			e := newFake(t)
			spec := engine.NetworkSpec{Name: "envA_default", Labels: berthLabels("A")}
			const n = 20
			ids := make([]string, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					net, err := lifecycle.EnsureNetwork(t.Context(), e, locker, spec)
					ids[i], errs[i] = net.ID, err
				})
			}
			wg.Wait()
			for i := range n {
				require.NoError(t, errs[i])
				assert.Equal(t, ids[0], ids[i])
			}
			assert.Len(t, exactNetworks(t, e, spec.Name), 1)
		})
	}
}

func TestEnsureNetworkKeepsOldestAndPrunesIdleDuplicates(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	}
	e := newFake(t, fake.WithClock(clock))
	// Duplicates as left by racing creators without the lock (compose v1).
	oldest := createNetwork(t, e, "envA_default", berthLabels("A"))
	idle := createNetwork(t, e, "envA_default", berthLabels("A"))
	busy := createNetwork(t, e, "envA_default", berthLabels("A"))
	runContainer(t, e, engine.ContainerSpec{Labels: berthLabels("A"), Networks: []engine.EndpointSpec{{Network: busy}}})

	n, err := lifecycle.EnsureNetwork(t.Context(), e, &memLocker{}, engine.NetworkSpec{Name: "envA_default", Labels: berthLabels("A")})
	require.NoError(t, err)
	assert.Equal(t, oldest, n.ID)
	assert.Equal(t, 3, e.Calls(engine.OpNetworkCreate), "no new network")
	_, err = e.NetworkInspect(t.Context(), idle)
	require.ErrorIs(t, err, engine.ErrNotFound, "the idle duplicate is removed")
	requireNetwork(t, e, busy) // in use: left alone

	keep, err := lifecycle.PruneDuplicateNetworks(t.Context(), e, "envA_default")
	require.NoError(t, err, "in-use duplicates are not failures")
	assert.Equal(t, oldest, keep.ID)
}

func TestEnsureNetworkRefusesForeignNetworkOfSameName(t *testing.T) {
	e := newFake(t)
	createNetwork(t, e, "envA_default", nil)

	_, err := lifecycle.EnsureNetwork(t.Context(), e, &memLocker{}, engine.NetworkSpec{Name: "envA_default", Labels: berthLabels("A")})
	require.ErrorIs(t, err, lifecycle.ErrNotOwned)
}

func TestEnsureNetworkReportsCreateFailure(t *testing.T) {
	e := newFake(t)
	e.FailNext(engine.OpNetworkCreate, engine.ErrInvalid)

	_, err := lifecycle.EnsureNetwork(t.Context(), e, &memLocker{}, engine.NetworkSpec{Name: "x", Labels: berthLabels("A")})
	require.ErrorIs(t, err, engine.ErrInvalid)
}
