package docker

import (
	"net/netip"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

func fullSpec() engine.ContainerSpec {
	grace := 2500 * time.Millisecond
	init := true
	return engine.ContainerSpec{
		Name:       "env1-web-1",
		Image:      "berth-testsvc:dev",
		Cmd:        []string{"serve", "--port", "8080"},
		Entrypoint: []string{"/testsvc"},
		Env:        []string{"A=1", "B=two"},
		Labels:     map[string]string{"dev.berth.env": "env1"},
		Ports: []engine.PortBinding{
			{ContainerPort: 8080}, // ephemeral, tcp
			{ContainerPort: 8080, HostIP: "127.0.0.1", HostPort: "0"}, // ephemeral on loopback
			{ContainerPort: 53, Protocol: "UDP", HostPort: "5353"},
		},
		Expose: []int{9090},
		Mounts: []engine.Mount{
			{Type: "volume", Source: "data", Target: "/data"},
			{Type: "bind", Source: "/etc/hosts", Target: "/hosts", ReadOnly: true},
			{Type: "tmpfs", Target: "/tmp"},
		},
		Networks: []engine.EndpointSpec{
			{Network: "env1_default", Aliases: []string{"web"}},
			{Network: "env1_backend", Aliases: []string{"web-backend"}},
		},
		Healthcheck: &engine.Healthcheck{
			Test: []string{"CMD", "/testsvc", "probe"}, Interval: time.Second, Timeout: 2 * time.Second,
			StartPeriod: 3 * time.Second, Retries: 4,
		},
		MemoryLimit:   64 << 20,
		MemoryReserve: 32 << 20,
		NanoCPUs:      500_000_000,
		Restart:       engine.RestartPolicy{Name: "on-failure", MaximumRetryCount: 3},
		StopSignal:    "SIGINT",
		StopTimeout:   &grace,
		WorkingDir:    "/work",
		User:          "1000:1000",
		Hostname:      "web",
		ExtraHosts:    []string{"db:10.0.0.5"},
		Init:          &init,
		ShmSize:       1 << 20,
		Ulimits:       []engine.Ulimit{{Name: "nofile", Soft: 1024, Hard: 2048}},
	}
}

func TestPlanCreateMapsEveryField(t *testing.T) {
	spec := fullSpec()
	plan, err := planCreate(spec, "1.44")
	require.NoError(t, err)
	cfg, host := plan.opts.Config, plan.opts.HostConfig
	assert.Equal(t, "env1-web-1", plan.opts.Name)

	assert.Equal(t, spec.Image, cfg.Image)
	assert.Equal(t, spec.Cmd, cfg.Cmd)
	assert.Equal(t, spec.Entrypoint, cfg.Entrypoint)
	assert.Equal(t, spec.Env, cfg.Env)
	assert.Equal(t, spec.Labels, cfg.Labels)
	assert.Equal(t, "SIGINT", cfg.StopSignal)
	require.NotNil(t, cfg.StopTimeout)
	assert.Equal(t, 3, *cfg.StopTimeout, "2.5s rounds up to 3s")
	assert.Equal(t, "/work", cfg.WorkingDir)
	assert.Equal(t, "1000:1000", cfg.User)
	assert.Equal(t, "web", cfg.Hostname)
	assert.Equal(t, &container.HealthConfig{
		Test: []string{"CMD", "/testsvc", "probe"}, Interval: time.Second, Timeout: 2 * time.Second,
		StartPeriod: 3 * time.Second, StartInterval: time.Second, Retries: 4,
	}, cfg.Healthcheck, "a start period without a start interval gets the default on API 1.44")

	tcp8080, udp53, tcp9090 := network.MustParsePort("8080/tcp"), network.MustParsePort("53/udp"), network.MustParsePort("9090/tcp")
	assert.Equal(t, network.PortSet{tcp8080: {}, udp53: {}, tcp9090: {}}, cfg.ExposedPorts)
	assert.Equal(t, network.PortMap{
		tcp8080: {{HostPort: ""}, {HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: ""}},
		udp53:   {{HostPort: "5353"}},
	}, host.PortBindings)

	assert.Equal(t, []mount.Mount{
		{Type: mount.TypeVolume, Source: "data", Target: "/data"},
		{Type: mount.TypeBind, Source: "/etc/hosts", Target: "/hosts", ReadOnly: true},
		{Type: mount.TypeTmpfs, Target: "/tmp"},
	}, host.Mounts)

	assert.Equal(t, int64(64<<20), host.Memory)
	assert.Equal(t, int64(32<<20), host.MemoryReservation)
	assert.Equal(t, int64(500_000_000), host.NanoCPUs)
	assert.Equal(t, container.RestartPolicy{Name: container.RestartPolicyOnFailure, MaximumRetryCount: 3}, host.RestartPolicy)
	assert.Equal(t, []string{"db:10.0.0.5"}, host.ExtraHosts)
	require.NotNil(t, host.Init)
	assert.True(t, *host.Init)
	assert.Equal(t, int64(1<<20), host.ShmSize)
	require.Len(t, host.Ulimits, 1)
	assert.Equal(t, container.Ulimit{Name: "nofile", Soft: 1024, Hard: 2048}, *host.Ulimits[0])
	assert.False(t, host.AutoRemove)

	// API 1.44: every network at create, the first one as the network mode.
	assert.Equal(t, container.NetworkMode("env1_default"), host.NetworkMode)
	require.NotNil(t, plan.opts.NetworkingConfig)
	assert.Equal(t, []string{"web"}, plan.opts.NetworkingConfig.EndpointsConfig["env1_default"].Aliases)
	assert.Equal(t, []string{"web-backend"}, plan.opts.NetworkingConfig.EndpointsConfig["env1_backend"].Aliases)
	assert.Empty(t, plan.later)
}

func TestPlanCreateOldAPIConnectsExtraNetworksLater(t *testing.T) {
	plan, err := planCreate(fullSpec(), "1.41")
	require.NoError(t, err)
	assert.Equal(t, container.NetworkMode("env1_default"), plan.opts.HostConfig.NetworkMode)
	assert.Len(t, plan.opts.NetworkingConfig.EndpointsConfig, 1)
	assert.Contains(t, plan.opts.NetworkingConfig.EndpointsConfig, "env1_default")
	assert.Equal(t, []engine.EndpointSpec{{Network: "env1_backend", Aliases: []string{"web-backend"}}}, plan.later)
}

func TestPlanCreateMinimal(t *testing.T) {
	plan, err := planCreate(engine.ContainerSpec{Image: "x"}, "1.41")
	require.NoError(t, err)
	assert.Nil(t, plan.opts.NetworkingConfig)
	assert.Nil(t, plan.opts.Config.Healthcheck)
	assert.Nil(t, plan.opts.Config.StopTimeout)
	assert.Empty(t, plan.opts.HostConfig.NetworkMode)
	assert.Empty(t, plan.later)
}

func TestPlanCreateStartInterval(t *testing.T) {
	spec := fullSpec()
	spec.Healthcheck.StartInterval = 500 * time.Millisecond

	plan, err := planCreate(spec, "1.44")
	require.NoError(t, err)
	assert.Equal(t, 500*time.Millisecond, plan.opts.Config.Healthcheck.StartInterval)
	assert.Empty(t, plan.warnings)

	// An older daemon cannot apply it: the container is created without
	// it, and the plan says so (the engine logs it as a warning).
	plan, err = planCreate(spec, "1.41")
	require.NoError(t, err)
	assert.Zero(t, plan.opts.Config.Healthcheck.StartInterval)
	assert.Equal(t, time.Second, plan.opts.Config.Healthcheck.Interval, "the rest of the health check stays")
	require.Len(t, plan.warnings, 1)
	for _, want := range []string{"env1-web-1", "start_interval", "500ms", "1.41", "1.44"} {
		assert.Contains(t, plan.warnings[0], want)
	}
}

// Without a declared start interval, a daemon that supports one gets the
// short default during the start period; an older daemon gets none, and
// no warning (nothing the user asked for is left out).
func TestPlanCreateDefaultStartInterval(t *testing.T) {
	tests := []struct {
		name string
		hc   engine.Healthcheck
		api  string
		want time.Duration
	}{
		{name: "start period, default interval", hc: engine.Healthcheck{Test: []string{"CMD", "true"}, StartPeriod: time.Minute}, api: "1.44", want: engine.DefaultStartInterval},
		{name: "start period, 30s interval", hc: engine.Healthcheck{Test: []string{"CMD", "true"}, Interval: 30 * time.Second, StartPeriod: time.Minute}, api: "1.47", want: engine.DefaultStartInterval},
		{name: "interval shorter than the default", hc: engine.Healthcheck{Test: []string{"CMD", "true"}, Interval: 200 * time.Millisecond, StartPeriod: time.Minute}, api: "1.44", want: 200 * time.Millisecond},
		{name: "declared", hc: engine.Healthcheck{Test: []string{"CMD", "true"}, StartPeriod: time.Minute, StartInterval: 3 * time.Second}, api: "1.44", want: 3 * time.Second},
		{name: "no start period", hc: engine.Healthcheck{Test: []string{"CMD", "true"}}, api: "1.44"},
		{name: "NONE", hc: engine.Healthcheck{Test: []string{"NONE"}, StartPeriod: time.Minute}, api: "1.44"},
		{name: "old daemon", hc: engine.Healthcheck{Test: []string{"CMD", "true"}, StartPeriod: time.Minute}, api: "1.41"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hc := tt.hc
			plan, err := planCreate(engine.ContainerSpec{Name: "c", Image: "x", Healthcheck: &hc}, tt.api)
			require.NoError(t, err)
			assert.Equal(t, tt.want, plan.opts.Config.Healthcheck.StartInterval)
			assert.Empty(t, plan.warnings)
		})
	}
}

func TestPlanCreateContainerSettings(t *testing.T) {
	spec := fullSpec()
	spec.StdinOpen, spec.Tty = true, true
	spec.Sysctls = map[string]string{"net.core.somaxconn": "1024"}
	spec.Runtime = "runc"
	spec.CapAdd, spec.CapDrop = []string{"NET_ADMIN"}, []string{"MKNOD"}
	spec.Privileged = true
	spec.SecurityOpt = []string{"no-new-privileges:true"}
	spec.Devices = []engine.Device{{Source: "/dev/fuse"}, {Source: "/dev/sda", Target: "/dev/xvda", Permissions: "r"}}
	spec.Logging = &engine.Logging{Driver: "json-file", Options: map[string]string{"max-size": "1m"}}
	spec.Platform = "linux/arm64/v8"
	spec.ReadOnly = true
	spec.Tmpfs = map[string]string{"/run": "size=64k", "/tmp": ""}
	spec.GroupAdd = []string{"audio"}

	plan, err := planCreate(spec, "1.41")
	require.NoError(t, err)
	cfg, host := plan.opts.Config, plan.opts.HostConfig
	assert.True(t, cfg.Tty)
	assert.True(t, cfg.OpenStdin)
	assert.False(t, cfg.AttachStdin, "nothing attaches: berth only keeps stdin open")
	assert.Equal(t, spec.Sysctls, host.Sysctls)
	assert.Equal(t, "runc", host.Runtime)
	assert.Equal(t, []string{"NET_ADMIN"}, host.CapAdd)
	assert.Equal(t, []string{"MKNOD"}, host.CapDrop)
	assert.True(t, host.Privileged)
	assert.Equal(t, []string{"no-new-privileges:true"}, host.SecurityOpt)
	assert.Equal(t, []container.DeviceMapping{
		{PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "rwm"},
		{PathOnHost: "/dev/sda", PathInContainer: "/dev/xvda", CgroupPermissions: "r"},
	}, host.Devices)
	assert.Equal(t, container.LogConfig{Type: "json-file", Config: map[string]string{"max-size": "1m"}}, host.LogConfig)
	require.NotNil(t, plan.opts.Platform)
	assert.Equal(t, "linux", plan.opts.Platform.OS)
	assert.Equal(t, "arm64", plan.opts.Platform.Architecture)
	assert.Equal(t, "v8", plan.opts.Platform.Variant)
	assert.True(t, host.ReadonlyRootfs)
	assert.Equal(t, spec.Tmpfs, host.Tmpfs)
	assert.Equal(t, []string{"audio"}, host.GroupAdd)
}

func TestPlanCreateNetworkModes(t *testing.T) {
	for _, mode := range []string{"none", "host", "container:env1-db-1"} {
		spec := fullSpec()
		spec.Networks, spec.Ports, spec.Expose, spec.Hostname, spec.ExtraHosts = nil, nil, nil, "", nil
		spec.NetworkMode = mode
		plan, err := planCreate(spec, "1.41")
		require.NoError(t, err, mode)
		assert.Equal(t, container.NetworkMode(mode), plan.opts.HostConfig.NetworkMode)
		assert.Nil(t, plan.opts.NetworkingConfig, "%s: no endpoints", mode)
		assert.Empty(t, plan.later)
	}
	for mode, why := range map[string]string{
		"bridge":     "want none, host or container",
		"container:": "want none, host or container",
	} {
		spec := fullSpec()
		spec.Networks = nil
		spec.NetworkMode = mode
		_, err := planCreate(spec, "1.41")
		require.ErrorIs(t, err, engine.ErrInvalid, mode)
		assert.Contains(t, err.Error(), why)
	}
	spec := fullSpec()
	spec.NetworkMode = "none"
	_, err := planCreate(spec, "1.44")
	require.ErrorIs(t, err, engine.ErrInvalid)
	assert.Contains(t, err.Error(), "not both")
}

func TestPlanCreateFixedAddress(t *testing.T) {
	spec := fullSpec()
	spec.Networks[0].IPv4Address = "172.20.0.2"
	spec.Networks[1].IPv4Address = "10.1.0.9"
	plan, err := planCreate(spec, "1.44")
	require.NoError(t, err)
	eps := plan.opts.NetworkingConfig.EndpointsConfig
	assert.Equal(t, netip.MustParseAddr("172.20.0.2"), eps["env1_default"].IPAMConfig.IPv4Address)
	assert.Equal(t, netip.MustParseAddr("10.1.0.9"), eps["env1_backend"].IPAMConfig.IPv4Address)

	old, err := planCreate(spec, "1.41")
	require.NoError(t, err)
	assert.Equal(t, netip.MustParseAddr("172.20.0.2"), old.opts.NetworkingConfig.EndpointsConfig["env1_default"].IPAMConfig.IPv4Address)
	assert.Equal(t, "10.1.0.9", old.later[0].IPv4Address, "a network connected after create keeps its address")
}

func TestPlanCreateRejectsBadInput(t *testing.T) {
	tests := map[string]func(*engine.ContainerSpec){
		"port zero":       func(s *engine.ContainerSpec) { s.Ports = []engine.PortBinding{{ContainerPort: 0}} },
		"port too big":    func(s *engine.ContainerSpec) { s.Ports = []engine.PortBinding{{ContainerPort: 70000}} },
		"expose negative": func(s *engine.ContainerSpec) { s.Expose = []int{-1} },
		"bad host IP": func(s *engine.ContainerSpec) {
			s.Ports = []engine.PortBinding{{ContainerPort: 80, HostIP: "localhost"}}
		},
		"bad mount type": func(s *engine.ContainerSpec) { s.Mounts = []engine.Mount{{Type: "npipe", Target: "/x"}} },
		"bad address":    func(s *engine.ContainerSpec) { s.Networks[1].IPv4Address = "fe80::1" },
		"bad platform":   func(s *engine.ContainerSpec) { s.Platform = "linux//v7" },
		"device no path": func(s *engine.ContainerSpec) { s.Devices = []engine.Device{{Target: "/dev/x"}} },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			spec := fullSpec()
			mutate(&spec)
			_, err := planCreate(spec, "1.44")
			require.Error(t, err)
			assert.ErrorIs(t, err, engine.ErrInvalid)
			assert.Contains(t, err.Error(), spec.Name)
		})
	}
}
