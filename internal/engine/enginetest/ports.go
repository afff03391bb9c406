package enginetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// testEphemeralPorts: a port published with no host port gets a non-zero
// host port, distinct between two running containers.
func (s *suite) testEphemeralPorts(t *testing.T, ctx context.Context) {
	hostPort := func(id string) int {
		t.Helper()
		c := s.inspect(t, ctx, id)
		for _, p := range c.Ports {
			if p.ContainerPort == 8080 && p.Protocol == "tcp" {
				return p.HostPort
			}
		}
		require.FailNow(t, "port 8080/tcp not published", "ports: %+v", c.Ports)
		return 0
	}
	var ids []string
	for _, hp := range []string{"", "0"} {
		spec := s.spec()
		spec.Ports = []engine.PortBinding{{ContainerPort: 8080, Protocol: "tcp", HostPort: hp}}
		id := s.create(t, ctx, spec)
		require.NoError(t, s.e.ContainerStart(ctx, id))
		ids = append(ids, id)
	}
	a, b := hostPort(ids[0]), hostPort(ids[1])
	assert.Positive(t, a)
	assert.Positive(t, b)
	assert.NotEqual(t, a, b, "each container gets its own host port")
}
