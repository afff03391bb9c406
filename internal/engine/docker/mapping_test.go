package docker

import (
	"net/netip"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/stretchr/testify/assert"

	"github.com/berth-dev/berth/internal/engine"
)

func TestContainerFromInspect(t *testing.T) {
	stop := 7
	r := container.InspectResponse{
		ID: "c1", Name: "/env1-web-1", Image: "sha256:abc", Created: "2026-01-02T03:04:05.123456789Z", RestartCount: 2,
		State: &container.State{
			Status: container.StateRunning, Running: true, OOMKilled: true, Pid: 42, ExitCode: 0,
			StartedAt: "2026-01-02T03:04:06Z", FinishedAt: "0001-01-01T00:00:00Z",
			Health: &container.Health{Status: container.Unhealthy, FailingStreak: 3, Log: []*container.HealthcheckResult{
				{Output: "old"}, {Output: "connection refused"},
			}},
		},
		Config: &container.Config{Image: "berth-testsvc:dev", Labels: map[string]string{"a": "b"}, Env: []string{"A=1"},
			StopSignal: "SIGINT", StopTimeout: &stop},
		HostConfig: &container.HostConfig{
			RestartPolicy: container.RestartPolicy{Name: container.RestartPolicyAlways},
			Resources:     container.Resources{Memory: 64 << 20},
		},
		NetworkSettings: &container.NetworkSettings{
			Ports: network.PortMap{
				network.MustParsePort("8080/tcp"): {{HostIP: netip.MustParseAddr("0.0.0.0"), HostPort: "49153"}, {HostIP: netip.MustParseAddr("::"), HostPort: "49153"}},
				network.MustParsePort("53/udp"):   {{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: "5353"}},
				network.MustParsePort("9090/tcp"): nil, // exposed, not published
			},
			Networks: map[string]*network.EndpointSettings{
				"env1_default": {Aliases: []string{"web", "c1"}},
				"bridge":       nil,
			},
		},
		Mounts: []container.MountPoint{
			{Type: mount.TypeVolume, Name: "data", Source: "/var/lib/docker/volumes/data/_data", Destination: "/data", RW: true},
			{Type: mount.TypeBind, Source: "/etc/hosts", Destination: "/hosts", RW: false},
		},
	}
	grace := 7 * time.Second
	want := engine.Container{
		ID: "c1", Name: "env1-web-1", Image: "berth-testsvc:dev",
		Created: time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC),
		Labels:  map[string]string{"a": "b"}, Env: []string{"A=1"},
		State: engine.ContainerState{
			Status: "running", Running: true, OOMKilled: true, Pid: 42,
			StartedAt: time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC),
			Health:    &engine.Health{Status: "unhealthy", FailingStreak: 3, LastOutput: "connection refused"},
		},
		StopSignal: "SIGINT", StopTimeout: &grace, RestartCount: 2,
		Restart: engine.RestartPolicy{Name: "always"}, MemoryLimit: 64 << 20,
		Ports: []engine.PublishedPort{
			{ContainerPort: 53, Protocol: "udp", HostIP: "127.0.0.1", HostPort: 5353},
			{ContainerPort: 8080, Protocol: "tcp", HostIP: "0.0.0.0", HostPort: 49153},
			{ContainerPort: 8080, Protocol: "tcp", HostIP: "::", HostPort: 49153},
		},
		Networks: map[string][]string{"env1_default": {"web", "c1"}, "bridge": nil},
		Mounts: []engine.Mount{
			{Type: "volume", Source: "data", Target: "/data"},
			{Type: "bind", Source: "/etc/hosts", Target: "/hosts", ReadOnly: true},
		},
	}
	assert.Equal(t, want, containerFromInspect(r))
}

func TestContainerFromInspectSparse(t *testing.T) {
	c := containerFromInspect(container.InspectResponse{ID: "c1",
		State: &container.State{Status: container.StateCreated, Health: &container.Health{Status: container.NoHealthcheck}}})
	assert.Equal(t, "c1", c.ID)
	assert.Nil(t, c.State.Health)
	assert.Nil(t, c.StopTimeout)
	assert.Empty(t, c.Ports)
	assert.True(t, c.Created.IsZero())
}

func TestStatsFromResponse(t *testing.T) {
	tests := []struct {
		name    string
		mem     container.MemoryStats
		wantUse int64
	}{
		{"cgroup v1", container.MemoryStats{Usage: 100, Limit: 1000, Stats: map[string]uint64{"total_inactive_file": 30, "inactive_file": 5, "cache": 50}}, 70},
		{"cgroup v2", container.MemoryStats{Usage: 100, Limit: 1000, Stats: map[string]uint64{"inactive_file": 40}}, 60},
		{"old v1 cache only", container.MemoryStats{Usage: 100, Limit: 1000, Stats: map[string]uint64{"cache": 50}}, 50},
		{"cache larger than usage", container.MemoryStats{Usage: 100, Limit: 1000, Stats: map[string]uint64{"inactive_file": 400}}, 100},
		{"no breakdown", container.MemoryStats{Usage: 100, Limit: 1000}, 100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := statsFromResponse(container.StatsResponse{MemoryStats: tc.mem})
			assert.Equal(t, tc.wantUse, s.MemoryUsage)
			assert.Equal(t, int64(1000), s.MemoryLimit)
			assert.Zero(t, s.CPUPercent, "one-shot without a previous sample")
		})
	}
	s := statsFromResponse(container.StatsResponse{
		CPUStats:    container.CPUStats{CPUUsage: container.CPUUsage{TotalUsage: 300}, SystemUsage: 2000, OnlineCPUs: 4},
		PreCPUStats: container.CPUStats{CPUUsage: container.CPUUsage{TotalUsage: 100}, SystemUsage: 1000},
	})
	assert.InDelta(t, 80.0, s.CPUPercent, 1e-9) // 200/1000 * 4 CPUs * 100
}

func TestDrainProgress(t *testing.T) {
	assert.NoError(t, drainProgress(stringsReader(`{"status":"sha256:abc"}`+"\n")))
	err := drainProgress(stringsReader(`{"status":"x"}{"errorDetail":{"message":"archive/tar: invalid tar header"},"error":"archive/tar: invalid tar header"}`))
	assert.EqualError(t, err, "archive/tar: invalid tar header")
	err = drainProgress(stringsReader(`{"error":"old style"}`))
	assert.EqualError(t, err, "old style")
}
