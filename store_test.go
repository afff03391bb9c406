package berth_test

import (
	"maps"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/store/postgres"
	"github.com/berth-dev/berth/internal/store/postgres/pgtest"
)

// openEnv opens a Manager over the rig's engine and clock with the rig's
// settings changed by set (a host of its own: its own state directory).
func (r *rig) openEnv(set map[string]string) *berth.Manager {
	r.t.Helper()
	env := maps.Clone(r.env)
	maps.Copy(env, set)
	for k, v := range env {
		if v == "" {
			delete(env, k)
		}
	}
	m, err := berth.OpenWith(func(k string) string { return env[k] }, r.eng, r.clk)
	require.NoError(r.t, err)
	r.t.Cleanup(func() { _ = m.Close() })
	return m
}

// TestStoreIsOneStateAcrossStateDirectories: with BERTH_STORE, the state
// is the store's ID, not the state directory: a berth with another state
// directory and the same store (another host) reuses the environment the
// first made and stamps nothing of its directory on it.
func TestStoreIsOneStateAcrossStateDirectories(t *testing.T) {
	ctx := t.Context()
	dsn := pgtest.Database(t, pgtest.DSN(t))
	r := newRig(t, "BERTH_STORE", dsn)
	a := r.openEnv(nil)
	first := r.acquire(a, r.options())
	require.NoError(t, a.Release(ctx, first.LeaseID, berth.ReleaseOptions{})) // it lingers
	creates := r.creates()

	b := r.openEnv(map[string]string{"BERTH_STATE_DIR": t.TempDir()})
	again := r.acquire(b, r.options())
	assert.True(t, again.Reused, "another state directory, the same store: the same state")
	assert.Equal(t, first.ID, again.ID)
	assert.Equal(t, creates, r.creates(), "nothing created again")

	info, err := r.eng.Info(ctx)
	require.NoError(t, err)
	s, err := postgres.Open(ctx, dsn, info.ID, postgres.ConnectOptions{})
	require.NoError(t, err)
	defer s.Close()
	c := r.inspect(first.ID, "db")
	assert.Equal(t, s.ID(), c.Labels[labels.StateID], "stamped with the store's ID")
	assert.NotContains(t, c.Labels, labels.State, "and no state directory's path")
	leases, err := s.Leases(ctx, first.ID)
	require.NoError(t, err)
	require.Len(t, leases, 1)
	assert.Equal(t, again.LeaseID, leases[0].ID)
}
