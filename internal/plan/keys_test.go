package plan_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/plan"
)

// keysProject has one service with every pass-through setting, a sidecar
// sharing its network, secrets and configs of each source, and a network
// with a fixed subnet.
func keysProject() *compose.Project {
	ipam := &engine.IPAM{Driver: "default", Options: map[string]string{"o": "1"},
		Config: []engine.IPAMPool{{Subnet: "172.28.0.0/16", Gateway: "172.28.0.1"}}}
	return &compose.Project{
		Name: "keys", Hash: "abc",
		Networks: []compose.Network{{Name: "fixed", IPAM: ipam}},
		Secrets: []compose.FileObject{
			{Name: "db-password", File: "/src/db/password.txt"},
			{Name: "token", Environment: "TOKEN", Content: compose.NewSensitive([]byte("s3cret"))},
		},
		Configs: []compose.FileObject{{Name: "app", Content: compose.NewSensitive([]byte("a = 1"))}},
		Notes:   []string{"a note of the project"},
		Services: []compose.Service{
			{Name: "web", Image: "web:1", ContainerName: "legacy-web",
				Networks:  []compose.ServiceNetwork{{Name: "fixed", Aliases: []string{"www"}, IPv4Address: "172.28.0.10"}},
				StdinOpen: true, Tty: true, Sysctls: map[string]string{"net.core.somaxconn": "1024"},
				Runtime: "runc", CapAdd: []string{"NET_ADMIN"}, CapDrop: []string{"MKNOD"}, Privileged: true,
				SecurityOpt: []string{"no-new-privileges:true"}, Devices: []engine.Device{{Source: "/dev/fuse"}},
				Logging:  &engine.Logging{Driver: "json-file", Options: map[string]string{"max-size": "1m"}},
				Platform: "linux/amd64", ReadOnly: true, Tmpfs: map[string]string{"/run": "size=64k"},
				GroupAdd: []string{"audio"},
				Secrets: []compose.FileMount{{Source: "db-password", Target: "/run/secrets/db-password"},
					{Source: "token", Target: "/etc/token"}},
				Configs: []compose.FileMount{{Source: "app", Target: "/app"}}},
			{Name: "sidecar", Image: "side:1", NetworkMode: "service:web"},
			{Name: "isolated", Image: "job:1", NetworkMode: "none"},
		},
	}
}

func TestBuildPassesSettingsThrough(t *testing.T) {
	p, err := plan.Build(keysProject(), ident(plan.ModeShared), now)
	require.NoError(t, err)
	spec := p.Services["web"].Spec
	assert.True(t, spec.StdinOpen)
	assert.True(t, spec.Tty)
	assert.Equal(t, map[string]string{"net.core.somaxconn": "1024"}, spec.Sysctls)
	assert.Equal(t, "runc", spec.Runtime)
	assert.Equal(t, []string{"NET_ADMIN"}, spec.CapAdd)
	assert.Equal(t, []string{"MKNOD"}, spec.CapDrop)
	assert.True(t, spec.Privileged)
	assert.Equal(t, []string{"no-new-privileges:true"}, spec.SecurityOpt)
	assert.Equal(t, []engine.Device{{Source: "/dev/fuse"}}, spec.Devices)
	assert.Equal(t, &engine.Logging{Driver: "json-file", Options: map[string]string{"max-size": "1m"}}, spec.Logging)
	assert.Equal(t, "linux/amd64", spec.Platform)
	assert.True(t, spec.ReadOnly)
	assert.Equal(t, map[string]string{"/run": "size=64k"}, spec.Tmpfs)
	assert.Equal(t, []string{"audio"}, spec.GroupAdd)
	assert.Empty(t, spec.NetworkMode)
}

func TestBuildContainerNameIsAnAlias(t *testing.T) {
	p, err := plan.Build(keysProject(), ident(plan.ModeShared), now)
	require.NoError(t, err)
	web := p.Services["web"].Spec
	assert.Equal(t, "demo-3f9a1c2b4d5e-web-1", web.Name, "berth names the container")
	assert.Equal(t, []engine.EndpointSpec{{Network: "demo-3f9a1c2b4d5e_fixed", Aliases: []string{"web", "legacy-web", "www"},
		IPv4Address: "172.28.0.10"}}, web.Networks)
	assert.Equal(t, []string{"a note of the project"}, p.Notes, "the project's notes (container_name) are said at up")
}

func TestBuildNetworkModeServiceJoinsItsContainer(t *testing.T) {
	p, err := plan.Build(keysProject(), ident(plan.ModeShared), now)
	require.NoError(t, err)
	side := p.Services["sidecar"]
	assert.Equal(t, "container:demo-3f9a1c2b4d5e-web-1", side.Spec.NetworkMode)
	assert.Empty(t, side.Spec.Networks, "no networks of its own")
	assert.Equal(t, map[string]compose.Condition{"web": compose.ServiceStarted}, side.DependsOn, "the mode implies a start order")
	assert.Equal(t, [][]string{{"isolated", "web"}, {"sidecar"}}, p.Levels)
	assert.Equal(t, "none", p.Services["isolated"].Spec.NetworkMode)
	assert.Empty(t, p.Services["isolated"].Spec.Networks)

	// An explicit dependency keeps its condition.
	proj := keysProject()
	proj.Services[1].DependsOn = map[string]compose.Condition{"web": compose.ServiceHealthy}
	p, err = plan.Build(proj, ident(plan.ModeShared), now)
	require.NoError(t, err)
	assert.Equal(t, map[string]compose.Condition{"web": compose.ServiceHealthy}, p.Services["sidecar"].DependsOn)
}

func TestBuildHostNetwork(t *testing.T) {
	proj := keysProject()
	proj.Services[2].NetworkMode = "host"
	p, err := plan.Build(proj, ident(plan.ModeShared), now)
	require.NoError(t, err)
	assert.Equal(t, "host", p.Services["isolated"].Spec.NetworkMode)
	require.Len(t, p.Notes, 2)
	assert.Contains(t, p.Notes[1], "services isolated use the host's network")
	assert.Contains(t, p.Notes[1], "may collide")

	proj.Services[0].Networks[0].IPv4Address = "" // not what this test is about
	_, err = plan.Build(proj, ident(plan.ModeDedicated), now)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "plan service isolated: network_mode host: a dedicated copy cannot use the host's network")
}

func TestBuildFixedSubnet(t *testing.T) {
	p, err := plan.Build(keysProject(), ident(plan.ModeShared), now)
	require.NoError(t, err)
	assert.Equal(t, &engine.IPAM{Driver: "default", Options: map[string]string{"o": "1"},
		Config: []engine.IPAMPool{{Subnet: "172.28.0.0/16", Gateway: "172.28.0.1"}}}, p.Networks[0].Spec.IPAM, "shared: the compose file's")

	proj := keysProject()
	proj.Services[0].Networks[0].IPv4Address = ""
	p, err = plan.Build(proj, ident(plan.ModeDedicated), now)
	require.NoError(t, err)
	assert.Equal(t, &engine.IPAM{Driver: "default", Options: map[string]string{"o": "1"}}, p.Networks[0].Spec.IPAM,
		"dedicated: no fixed pool, the daemon chooses")
	require.Len(t, p.Notes, 2)
	assert.Contains(t, p.Notes[1], `network "fixed"`)
	assert.Contains(t, p.Notes[1], "172.28.0.0/16")
	assert.Contains(t, p.Notes[1], "the daemon chooses its subnet")

	_, err = plan.Build(keysProject(), ident(plan.ModeDedicated), now)
	require.Error(t, err, "a fixed address cannot be honoured without the fixed subnet")
	assert.Contains(t, err.Error(), `plan service web: network "fixed": ipv4_address 172.28.0.10: a dedicated copy gets its subnet from the daemon`)
}

func TestBuildSecretsAndConfigs(t *testing.T) {
	p, err := plan.Build(keysProject(), ident(plan.ModeShared), now)
	require.NoError(t, err)
	web := p.Services["web"]
	assert.Contains(t, web.Spec.Mounts, engine.Mount{Type: "bind", Source: "/src/db/password.txt", Target: "/run/secrets/db-password", ReadOnly: true},
		"a file source is bind-mounted read-only")
	assert.Equal(t, []plan.FileMount{{File: "secret-token", Target: "/etc/token"}, {File: "config-app", Target: "/app"}}, web.Files,
		"environment and content sources are written at up")
	require.Len(t, p.Files, 2)
	assert.Equal(t, "config-app", p.Files[0].Name)
	assert.Equal(t, "a = 1", string(p.Files[0].Content.Bytes()))
	assert.Equal(t, "secret-token", p.Files[1].Name)
	assert.Equal(t, "s3cret", string(p.Files[1].Content.Bytes()))

	proj := keysProject()
	proj.Services[0].Secrets = []compose.FileMount{{Source: "nope", Target: "/run/secrets/nope"}}
	_, err = plan.Build(proj, ident(plan.ModeShared), now)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `plan service web: secret "nope" is not defined`)
}

func TestBuildPlatformBuildsForIt(t *testing.T) {
	proj := demo()
	before, err := plan.Build(proj, ident(plan.ModeShared), now)
	require.NoError(t, err)
	proj.Services[0].Platform = "linux/arm64"
	after, err := plan.Build(proj, ident(plan.ModeShared), now)
	require.NoError(t, err)
	assert.Equal(t, "linux/arm64", after.Builds[0].Platform)
	assert.NotEqual(t, before.Builds[0].Tag, after.Builds[0].Tag, "an image for another platform is another image")
	assert.Equal(t, "linux/arm64", after.Services["api"].Spec.Platform)
}
