package connect

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/engine/fake"
	"github.com/berth-dev/berth/internal/gate"
	"github.com/berth-dev/berth/internal/pglock/pgtest"
)

// With BERTH_STORE the gate keeps its shared state in that database: a
// mutating call writes the budget row of the daemon, keyed by its ID even
// with BERTH_STATE_DIR (each host has a directory of its own); a breaker opened by
// another host (written to the endpoint's row) is seen here and refuses
// calls; nothing of it lands in the state directory.
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
	info, err := conn.Info(t.Context())
	require.NoError(t, err)
	var budget int
	err = conn.Shared.Pool.QueryRow(t.Context(), `SELECT count(*) FROM berth_gate_state WHERE scope = $1 AND name = 'budget'`,
		"daemon:"+info.ID).Scan(&budget)
	require.NoError(t, err)
	require.Equal(t, 1, budget, "the budget row of this daemon")
	require.NoFileExists(t, dir+"/budget.state")

	// Another host's gate opens the breaker of this endpoint.
	other, err := conn.Shared.Gate().State(gate.Scope{Key: "endpoint:" + conn.Endpoint()}, "breaker")
	require.NoError(t, err)
	until := time.Now().Add(time.Minute).UTC().Format(time.RFC3339Nano)
	require.NoError(t, other.Update(t.Context(), func([]byte) []byte {
		return []byte(`{"failures":5,"open_until":"` + until + `","openings":1}`)
	}))
	st, err := conn.Breaker(t.Context())
	require.NoError(t, err)
	require.Equal(t, 5, st.Failures)
	_, err = conn.NetworkCreate(t.Context(), engine.NetworkSpec{Name: "n2"})
	var open *gate.CircuitOpenError
	require.True(t, errors.As(err, &open), "a call refused by the breaker another host opened: %v", err)
	require.NoError(t, other.Update(t.Context(), func([]byte) []byte { return nil })) // close it again
}
