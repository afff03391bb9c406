package enginetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testDaemon: ping, version, info and disk usage answer plausibly, and the
// daemon ID is stable.
func (s *suite) testDaemon(t *testing.T, ctx context.Context) {
	assert.NotEmpty(t, s.e.Endpoint())

	p, err := s.e.Ping(ctx)
	require.NoError(t, err, "ping")
	assert.NotEmpty(t, p.APIVersion)
	assert.NotEmpty(t, p.OSType)

	v, err := s.e.Version(ctx)
	require.NoError(t, err, "version")
	assert.NotEmpty(t, v.ServerVersion)
	assert.NotEmpty(t, v.APIVersion)
	assert.NotEmpty(t, v.MaxAPIVersion)
	assert.NotEmpty(t, v.OS)
	assert.NotEmpty(t, v.Arch)

	in, err := s.e.Info(ctx)
	require.NoError(t, err, "info")
	assert.NotEmpty(t, in.ID)
	assert.Positive(t, in.NCPU)
	assert.Positive(t, in.MemTotal)
	assert.Positive(t, in.Images, "the harness image exists")
	again, err := s.e.Info(ctx)
	require.NoError(t, err, "info again")
	assert.Equal(t, in.ID, again.ID, "daemon ID is stable")

	du := s.diskUsage(t, ctx)
	assert.Positive(t, du.Images.Count, "the harness image exists")
	assert.GreaterOrEqual(t, du.Images.Count, du.Images.Active)
	assert.GreaterOrEqual(t, du.Containers.Count, du.Containers.Active)
}
