package enginetest

import (
	"context"
	"crypto/rand"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// testContainerSettings: the settings compose passes straight through
// (tty, stdin, sysctls, capabilities, read-only root, tmpfs, groups,
// security options, runtime, log driver) reach the container and inspect
// reports them as asked (capabilities in the daemon's CAP_ form, log
// options with the daemon's defaults added); the test service runs with
// them.
func (s *suite) testContainerSettings(t *testing.T, ctx context.Context) {
	spec := s.spec()
	spec.Tty, spec.StdinOpen = true, true
	spec.Sysctls = map[string]string{"net.ipv4.tcp_keepalive_time": "600"}
	spec.CapAdd, spec.CapDrop = []string{"NET_ADMIN"}, []string{"MKNOD"}
	spec.ReadOnly = true
	spec.Tmpfs = map[string]string{"/scratch": "size=1m"}
	spec.GroupAdd = []string{"4242"}
	spec.SecurityOpt = []string{"no-new-privileges:true"}
	spec.Runtime = "runc"
	spec.Logging = &engine.Logging{Driver: "json-file", Options: map[string]string{"max-size": "1m"}}
	id := s.startReady(t, ctx, spec)

	c := s.inspect(t, ctx, id)
	assert.True(t, c.Tty)
	assert.True(t, c.StdinOpen)
	assert.Equal(t, spec.Sysctls, c.Sysctls)
	assert.Equal(t, []string{"CAP_NET_ADMIN"}, c.CapAdd, "the daemon names capabilities with their CAP_ prefix")
	assert.Equal(t, []string{"CAP_MKNOD"}, c.CapDrop)
	assert.True(t, c.ReadOnly)
	assert.False(t, c.Privileged)
	assert.Equal(t, spec.Tmpfs, c.Tmpfs)
	assert.Equal(t, spec.GroupAdd, c.GroupAdd)
	assert.Equal(t, spec.SecurityOpt, c.SecurityOpt)
	assert.Equal(t, "runc", c.Runtime)
	require.NotNil(t, c.Logging)
	assert.Equal(t, "json-file", c.Logging.Driver)
	assert.Equal(t, "1m", c.Logging.Options["max-size"], "the daemon may add its default options")

	plain := s.inspect(t, ctx, s.create(t, ctx, s.spec()))
	assert.False(t, plain.Tty)
	assert.False(t, plain.StdinOpen)
	assert.Equal(t, "runc", plain.Runtime, "the daemon's default runtime")
	require.NotNil(t, plain.Logging, "the daemon's default log driver")
	assert.NotEmpty(t, plain.Logging.Driver)
}

// testNetworkModeContainer: a container created with network mode
// "container:<name>" reports the mode with the other container's full ID,
// has no networks of its own, and shares the other's network namespace:
// the owner, listening on 8081 only, answers its probe of port 8080 on
// its loopback once the joined container listens there. A mode naming no
// container is created but fails the start with ErrNotFound.
func (s *suite) testNetworkModeContainer(t *testing.T, ctx context.Context) {
	_, nspec := s.createNetwork(t, ctx)
	aSpec := s.spec("TESTSVC_PORTS=8081")
	aSpec.Networks = []engine.EndpointSpec{{Network: nspec.Name, Aliases: []string{"owner"}}}
	a := s.create(t, ctx, aSpec)
	require.NoError(t, s.e.ContainerStart(ctx, a))

	bSpec := s.spec()
	bSpec.NetworkMode = "container:" + aSpec.Name
	b := s.create(t, ctx, bSpec)
	c := s.inspect(t, ctx, b)
	assert.Equal(t, "container:"+a, c.NetworkMode, "the name is resolved to the full ID at create")
	require.NoError(t, s.e.ContainerStart(ctx, b))
	c = s.inspect(t, ctx, b)
	assert.Empty(t, c.Networks, "no networks of its own")
	s.waitReady(t, ctx, a) // the probe in the owner reaches the joined container's port

	orphan := s.spec()
	orphan.NetworkMode = "container:" + s.name("missing")
	o := s.create(t, ctx, orphan)
	requireKind(t, engine.ErrNotFound, s.e.ContainerStart(ctx, o), "start joining a container that does not exist")
}

// testNetworkIPAM: a network created with a fixed subnet (with IP range,
// gateway and an auxiliary address) reports it; a container gets a fixed
// address in it; a second network with an overlapping subnet is refused
// (ErrInvalid); a network without IPAM gets a subnet from the daemon.
func (s *suite) testNetworkIPAM(t *testing.T, ctx context.Context) {
	var b [1]byte
	_, _ = rand.Read(b[:])
	prefix := fmt.Sprintf("10.251.%d", b[0])
	pool := engine.IPAMPool{Subnet: prefix + ".0/24", IPRange: prefix + ".128/25", Gateway: prefix + ".1",
		AuxAddresses: map[string]string{"reserved": prefix + ".5"}}
	spec := engine.NetworkSpec{Name: s.name("n"), Labels: s.labels(), CheckDuplicate: true,
		IPAM: &engine.IPAM{Config: []engine.IPAMPool{pool}}}
	t.Cleanup(func() { s.removeNetworks(t, spec.Name) })
	nid, err := s.e.NetworkCreate(ctx, spec)
	require.NoError(t, err, "create network with subnet %s", pool.Subnet)
	n, err := s.e.NetworkInspect(ctx, nid)
	require.NoError(t, err)
	require.NotNil(t, n.IPAM)
	require.Len(t, n.IPAM.Config, 1)
	assert.Equal(t, pool, n.IPAM.Config[0])

	cspec := s.spec()
	cspec.Networks = []engine.EndpointSpec{{Network: spec.Name, Aliases: []string{"fixed"}, IPv4Address: prefix + ".200"}}
	s.startReady(t, ctx, cspec)

	overlap := engine.NetworkSpec{Name: s.name("n"), Labels: s.labels(), CheckDuplicate: true,
		IPAM: &engine.IPAM{Config: []engine.IPAMPool{{Subnet: prefix + ".0/25"}}}}
	t.Cleanup(func() { s.removeNetworks(t, overlap.Name) })
	_, err = s.e.NetworkCreate(ctx, overlap)
	requireKind(t, engine.ErrInvalid, err, "create a network whose subnet overlaps another's")

	did, _ := s.createNetwork(t, ctx)
	chosen, err := s.e.NetworkInspect(ctx, did)
	require.NoError(t, err)
	require.NotNil(t, chosen.IPAM)
	require.NotEmpty(t, chosen.IPAM.Config, "the daemon chose a subnet")
	assert.NotEmpty(t, chosen.IPAM.Config[0].Subnet)
	assert.NotEqual(t, pool.Subnet, chosen.IPAM.Config[0].Subnet)
}
