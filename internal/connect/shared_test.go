package connect

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
	"github.com/berth-dev/berth/internal/pglock/pgtest"
)

// With BERTH_STORE the gate keeps its shared state in that database: a
// mutating call writes the daemon's budget row and the endpoint's breaker
// row; nothing of it lands in the state directory.
func TestGateStateInPostgres(t *testing.T) {
	dsn := pgtest.DSN(t)
	dir := t.TempDir()
	env := map[string]string{"BERTH_STORE": dsn, "BERTH_STATE_DIR": dir}
	conn, err := Over(fake.New(), func(k string) string { return env[k] }, nil)
	require.NoError(t, err)
	defer conn.Close()
	require.NotNil(t, conn.Shared)
	_, err = conn.NetworkCreate(t.Context(), engine.NetworkSpec{Name: "n1"})
	require.NoError(t, err)

	var budget, breaker int
	err = conn.Shared.Pool.QueryRow(t.Context(), `SELECT
  count(*) FILTER (WHERE scope = $1 AND name = 'budget'),
  count(*) FILTER (WHERE scope = $2 AND name = 'breaker')
FROM berth_gate_state`, "dir:"+dir, "endpoint:"+conn.Endpoint()).Scan(&budget, &breaker)
	require.NoError(t, err)
	require.Equal(t, 1, budget, "the budget row of this daemon")
	require.Equal(t, 1, breaker, "the breaker row of this endpoint")
	require.NoFileExists(t, dir+"/budget.state")
}
