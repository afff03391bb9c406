package berth_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth"
)

// stackWithSecret mounts a secret from the environment variable TOKEN.
const stackWithSecret = `name: unit
services:
  api:
    image: testsvc:latest
    secrets: [token]
secrets:
  token:
    environment: TOKEN
`

// A secret from the environment is written to the state directory while
// its environment exists, and gc takes it with the environment.
func TestSecretFileLivesWithItsEnvironment(t *testing.T) {
	r := newRig(t, "BERTH_LINGER", "1m", "TOKEN", "s3cret")
	require.NoError(t, os.WriteFile(r.file, []byte(stackWithSecret), 0o600))
	m := r.open()
	env := r.acquire(m, r.options())
	written := filepath.Join(r.env["BERTH_STATE_DIR"], "files", env.ID, "secret-token")
	b, err := os.ReadFile(written)
	require.NoError(t, err)
	assert.Equal(t, "s3cret", string(b))
	assert.Contains(t, r.inspect(env.ID, "api").Mounts[0].Source, written)
	require.NoError(t, env.Release(t.Context()))

	r.clk.Advance(2 * time.Minute)
	rep, err := m.GC(t.Context(), berth.GCOptions{})
	require.NoError(t, err)
	require.Equal(t, []string{env.ID}, rep.TornDown)
	_, err = os.Stat(filepath.Dir(written))
	assert.ErrorIs(t, err, os.ErrNotExist, "gc removed the environment's written secrets")
}
