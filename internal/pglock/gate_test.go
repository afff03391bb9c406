package pglock

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/gate"
	"github.com/berth-dev/berth/internal/gate/gatetest"
	"github.com/berth-dev/berth/internal/pglock/pgtest"
)

// gateBackend connects to BERTH_TEST_POSTGRES, the same way in the test
// and in its child processes.
func gateBackend() (gate.Backend, error) {
	pool, err := Connect(context.Background(), pgtest.DSNFromEnv())
	if err != nil {
		return nil, err
	}
	if err := EnsureSchema(context.Background(), pool); err != nil {
		return nil, err
	}
	return Gate{Pool: pool}, nil
}

// The PostgreSQL backend passes the contract the file backend passes.
func TestGateContract(t *testing.T) {
	pgtest.DSN(t)
	gatetest.Run(t, gateBackend, func(t *testing.T) gate.Scope {
		return gate.Scope{Dir: t.TempDir(), Key: pgtest.Scope(t)}
	})
}

// On a new database the first update creates the tables; a shared row
// survives a database restart; an update whose session the restart ended
// is tried again on a new connection.
func TestSharedAcrossRestart(t *testing.T) {
	srv := pgtest.Cluster(t)
	pool := testPool(t, srv.DSN)
	st := Shared{Pool: pool, Scope: pgtest.Scope(t), Name: "budget"}
	require.NoError(t, st.Update(t.Context(), func([]byte) []byte { return []byte("42") }))
	srv.Restart(t)
	var got string
	require.NoError(t, st.Update(t.Context(), func(old []byte) []byte { got = string(old); return old }))
	require.Equal(t, "42", got)
}
