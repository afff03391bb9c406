package e2e

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/store/postgres"
	"github.com/berth-dev/berth/internal/store/postgres/pgtest"
)

// TestRunsShareOneEnvironmentThroughPostgres: with BERTH_STORE naming a
// PostgreSQL database (one of this test's own), 4 berth run at once on the
// demo stack all pass and share one environment whose leases are rows in
// that database; what berth made carries the store's ID as its state (and
// no state directory path), the daemon sees one create per service, and
// with linger 0 nothing is left, on the daemon or in the store.
func TestRunsShareOneEnvironmentThroughPostgres(t *testing.T) {
	dsn := pgtest.Database(t, pgtest.DSN(t))
	w := newWorld(t)
	w.env = append(w.env, "BERTH_STORE="+dsn)
	ctx := context.Background()
	log := w.watch()
	rs := w.startRunners(t, 4, "-f", demo())

	info, err := w.e.Info(ctx)
	require.NoError(t, err)
	s, err := postgres.Open(ctx, dsn, info.ID, postgres.ConnectOptions{})
	require.NoError(t, err)
	defer s.Close()
	leases, err := s.AllLeases(ctx)
	require.NoError(t, err)
	assert.Len(t, leases, 4, "the runners' leases are rows in the store")
	live, envs := w.liveLeases(t)
	assert.Equal(t, 4, live)
	assert.Len(t, envs, 1, "one shared environment")

	cs, err := w.e.ContainerList(ctx, engine.ListFilter{All: true, Labels: map[string]string{labels.Env: ""}})
	require.NoError(t, err)
	n := 0
	for _, c := range cs {
		if !w.mine(c.Labels) {
			continue
		}
		n++
		assert.Equal(t, s.ID(), c.Labels[labels.StateID], "container %s: the state is the store's", c.Name)
		assert.NotContains(t, c.Labels, labels.State, "container %s: no state directory path", c.Name)
	}
	assert.Equal(t, 6, n, "the demo stack's containers")
	finish(t, rs)

	counts := creates(log.finish(t, w.e))
	t.Logf("container creates per service: %v", counts)
	for _, svc := range []string{"postgres", "redis", "clickhouse", "auth", "backend", "frontend"} {
		assert.Equal(t, 1, counts[svc], "creates of %s", svc)
	}
	assert.Empty(t, w.leftovers(ctx), "BERTH_LINGER=0s: nothing remains")
	left, err := s.Envs(ctx)
	require.NoError(t, err)
	assert.Empty(t, left, "the environment's record went with it")
}
