package storetest

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/store"
)

// testSwapEnvState: a swap happens only from the state named, and of
// many swappers of one pooled copy exactly one wins (the pool's take; the
// cross-process proof is the e2e test of concurrent takers).
func testSwapEnvState(t *testing.T, ctx context.Context, s store.Store) {
	e := testEnv("p1")
	e.State = store.StatePooled
	require.NoError(t, s.PutEnv(ctx, e))
	ok, err := s.SwapEnvState(ctx, "p1", store.StateReady, store.StateTearingDown)
	require.NoError(t, err)
	assert.False(t, ok, "not in the state named")
	ok, err = s.SwapEnvState(ctx, "missing", store.StatePooled, store.StateReady)
	require.NoError(t, err)
	assert.False(t, ok, "unknown environment")

	var wins int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.SwapEnvState(ctx, "p1", store.StatePooled, store.StateReady)
			assert.NoError(t, err)
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, wins)
	got, err := s.Env(ctx, "p1")
	require.NoError(t, err)
	assert.Equal(t, store.StateReady, got.State)
}

// testPools: a pool target is set, replaced and listed by project.
func testPools(t *testing.T, ctx context.Context, s store.Store) {
	ps, err := s.Pools(ctx)
	require.NoError(t, err)
	assert.Empty(t, ps)
	require.NoError(t, s.PutPool(ctx, store.Pool{Project: "b", ConfigHash: "h1", Size: 2}))
	require.NoError(t, s.PutPool(ctx, store.Pool{Project: "a", ConfigHash: "h1", Size: 1}))
	require.NoError(t, s.PutPool(ctx, store.Pool{Project: "b", ConfigHash: "h2", Size: 3}))
	ps, err = s.Pools(ctx)
	require.NoError(t, err)
	assert.Equal(t, []store.Pool{{Project: "a", ConfigHash: "h1", Size: 1}, {Project: "b", ConfigHash: "h2", Size: 3}}, ps)
}
