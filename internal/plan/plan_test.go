package plan_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/plan"
)

var now = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func ident(mode string) plan.Identity {
	return plan.Identity{EnvID: "demo-3f9a1c2b4d5e", Project: "demo", Mode: mode, ConfigHash: "3f9a1c2b4d5e77", Version: "1.2.3"}
}

// demo is a three-service project: db (healthcheck, volume), api (built,
// two networks, depends on db healthy), web (depends on api started).
func demo() *compose.Project {
	return &compose.Project{
		Name: "demo", Hash: "3f9a1c2b4d5e77",
		Networks: []compose.Network{{Name: "default"}, {Name: "backend", Internal: true, Labels: map[string]string{"team": "a"}}},
		Volumes:  []compose.Volume{{Name: "data", Labels: map[string]string{"keep": "no"}}},
		Services: []compose.Service{
			{Name: "api", Build: &compose.Build{Context: "/src/api", Dockerfile: "Dockerfile"},
				Networks:  []compose.ServiceNetwork{{Name: "backend", Aliases: []string{"api-internal"}}, {Name: "default"}},
				DependsOn: map[string]compose.Condition{"db": compose.ServiceHealthy},
				Ports:     []engine.PortBinding{{ContainerPort: 8080, HostPort: "18080"}}},
			{Name: "db", Image: "postgres:16", MemoryLimit: 512 << 20,
				Healthcheck: &engine.Healthcheck{Test: []string{"CMD", "pg_isready"}, Interval: time.Second},
				Mounts: []engine.Mount{{Type: "volume", Source: "data", Target: "/var/lib/data"},
					{Type: "volume", Target: "/anon"}, {Type: "bind", Source: "/etc/x", Target: "/x", ReadOnly: true}},
				Networks:  []compose.ServiceNetwork{{Name: "backend"}},
				StopGrace: 3 * time.Second, Labels: map[string]string{"app": "db", labels.Env: "spoofed"}},
			{Name: "web", Image: "nginx", DependsOn: map[string]compose.Condition{"api": compose.ServiceStarted},
				Ports: []engine.PortBinding{{ContainerPort: 80, HostPort: "8080"}, {ContainerPort: 443}}},
		},
	}
}

func TestBuildNamesAndLevels(t *testing.T) {
	p, err := plan.Build(demo(), ident(plan.ModeShared), now)
	require.NoError(t, err)

	assert.Equal(t, [][]string{{"db"}, {"api"}, {"web"}}, p.Levels)
	require.Len(t, p.Networks, 2)
	assert.Equal(t, "backend", p.Networks[0].Key)
	assert.Equal(t, "demo-3f9a1c2b4d5e_backend", p.Networks[0].Spec.Name)
	assert.True(t, p.Networks[0].Spec.Internal)
	assert.Equal(t, "demo-3f9a1c2b4d5e_default", p.Networks[1].Spec.Name)
	require.Len(t, p.Volumes, 1)
	assert.Equal(t, "demo-3f9a1c2b4d5e_data", p.Volumes[0].Spec.Name)

	db := p.Services["db"]
	assert.Equal(t, "demo-3f9a1c2b4d5e-db-1", db.Spec.Name)
	assert.Equal(t, "postgres:16", db.Spec.Image)
	assert.True(t, db.Healthcheck)
	assert.Equal(t, 3*time.Second, db.Grace)
	require.NotNil(t, db.Spec.StopTimeout)
	assert.Equal(t, 3*time.Second, *db.Spec.StopTimeout)
	assert.Equal(t, int64(512<<20), db.Spec.MemoryLimit)
	assert.Equal(t, []engine.Mount{
		{Type: "volume", Source: "demo-3f9a1c2b4d5e_data", Target: "/var/lib/data"},
		{Type: "volume", Target: "/anon"},
		{Type: "bind", Source: "/etc/x", Target: "/x", ReadOnly: true},
	}, db.Spec.Mounts)
	assert.Equal(t, []engine.EndpointSpec{{Network: "demo-3f9a1c2b4d5e_backend", Aliases: []string{"db"}}}, db.Spec.Networks)

	api := p.Services["api"]
	assert.Equal(t, []engine.EndpointSpec{
		{Network: "demo-3f9a1c2b4d5e_backend", Aliases: []string{"api", "api-internal"}},
		{Network: "demo-3f9a1c2b4d5e_default", Aliases: []string{"api"}},
	}, api.Spec.Networks)
	assert.Equal(t, map[string]compose.Condition{"db": compose.ServiceHealthy}, api.DependsOn)
	assert.False(t, api.Healthcheck)
	assert.Equal(t, plan.DefaultGrace, api.Grace)

	web := p.Services["web"]
	assert.Equal(t, []engine.EndpointSpec{{Network: "demo-3f9a1c2b4d5e_default", Aliases: []string{"web"}}}, web.Spec.Networks,
		"a service listing no network joins default")
	assert.Equal(t, "8080", web.Spec.Ports[0].HostPort, "shared mode keeps fixed host ports")
}

func TestBuildLabels(t *testing.T) {
	p, err := plan.Build(demo(), ident(plan.ModeShared), now)
	require.NoError(t, err)

	common := map[string]string{
		labels.Env: "demo-3f9a1c2b4d5e", labels.Mode: "shared", labels.ConfigHash: "3f9a1c2b4d5e77",
		labels.Version: "1.2.3", labels.ComposeProject: "demo-3f9a1c2b4d5e",
		labels.Created: "2026-05-01T12:00:00Z", labels.Creator: labels.CreatorID(),
	}
	db := p.Services["db"].Spec.Labels
	for k, v := range common {
		assert.Equal(t, v, db[k], k)
	}
	assert.Equal(t, "db", db[labels.ComposeService])
	assert.Equal(t, "1", db[labels.ComposeContainerNumber])
	assert.Equal(t, "False", db[labels.ComposeOneoff])
	assert.Equal(t, "db", db["app"], "the service's own labels are kept")

	backend := p.Networks[0].Spec.Labels
	for k, v := range common {
		assert.Equal(t, v, backend[k], k)
	}
	assert.Equal(t, "backend", backend[labels.ComposeNetwork])
	assert.Equal(t, "a", backend["team"])

	data := p.Volumes[0].Spec.Labels
	assert.Equal(t, "demo-3f9a1c2b4d5e", data[labels.Env])
	assert.Equal(t, "data", data[labels.ComposeVolume])
	assert.Equal(t, "no", data["keep"])
}

func TestBuildDedicatedPortsEphemeral(t *testing.T) {
	p, err := plan.Build(demo(), ident(plan.ModeDedicated), now)
	require.NoError(t, err)
	assert.Equal(t, []engine.PortBinding{{ContainerPort: 80}, {ContainerPort: 443}}, p.Services["web"].Spec.Ports)
	assert.Equal(t, []engine.PortBinding{{ContainerPort: 8080}}, p.Services["api"].Spec.Ports)
	assert.Equal(t, "dedicated", p.Services["web"].Spec.Labels[labels.Mode])
}

func TestBuildDoesNotAliasProject(t *testing.T) {
	proj := demo()
	p, err := plan.Build(proj, ident(plan.ModeDedicated), now)
	require.NoError(t, err)
	assert.Equal(t, "8080", proj.Services[2].Ports[0].HostPort, "the project is not modified")
	assert.Equal(t, "data", proj.Services[1].Mounts[0].Source)
	p.Services["db"].Spec.Labels["x"] = "y"
	assert.NotContains(t, proj.Services[1].Labels, "x")
}

func TestBuildImageBuilds(t *testing.T) {
	p, err := plan.Build(demo(), ident(plan.ModeShared), now)
	require.NoError(t, err)
	require.Len(t, p.Builds, 1)
	b := p.Builds[0]
	assert.Equal(t, "api", b.Service)
	assert.Regexp(t, `^berth/demo-api:[0-9a-f]{12}$`, b.Tag)
	assert.Equal(t, "/src/api", b.Build.Context)
	assert.Equal(t, b.Tag, p.Services["api"].Spec.Image)

	// Another environment of the same project shares the tag; another
	// build section does not.
	other := ident(plan.ModeDedicated)
	other.EnvID = "demo-dabc"
	p2, err := plan.Build(demo(), other, now)
	require.NoError(t, err)
	assert.Equal(t, b.Tag, p2.Builds[0].Tag)
	changed := demo()
	arg := "2"
	changed.Services[0].Build.Args = map[string]*string{"V": &arg}
	p3, err := plan.Build(changed, ident(plan.ModeShared), now)
	require.NoError(t, err)
	assert.NotEqual(t, b.Tag, p3.Builds[0].Tag)
}

func TestBuildJobs(t *testing.T) {
	proj := &compose.Project{Name: "j", Services: []compose.Service{
		{Name: "app", Image: "x", DependsOn: map[string]compose.Condition{
			"migrate": compose.ServiceCompletedSuccessfully, "db": compose.ServiceHealthy}},
		{Name: "db", Image: "x"},
		{Name: "migrate", Image: "x", DependsOn: map[string]compose.Condition{"db": compose.ServiceCompletedSuccessfully}},
	}}
	p, err := plan.Build(proj, plan.Identity{EnvID: "j-1"}, now)
	require.NoError(t, err)
	assert.True(t, p.Services["migrate"].Job)
	assert.False(t, p.Services["db"].Job, "app waits for db healthy, so db keeps running")
	assert.False(t, p.Services["app"].Job)
	assert.Equal(t, [][]string{{"db"}, {"migrate"}, {"app"}}, p.Levels)
}

func TestBuildErrors(t *testing.T) {
	cases := map[string]struct {
		edit func(*compose.Project)
		want string
	}{
		"cycle": {func(p *compose.Project) {
			p.Services[1].DependsOn = map[string]compose.Condition{"web": compose.ServiceStarted}
		}, "dependency cycle: api -> db -> web -> api"},
		"self": {func(p *compose.Project) {
			p.Services[2].DependsOn = map[string]compose.Condition{"web": compose.ServiceStarted}
		}, "dependency cycle: web -> web"},
		"unknown dependency": {func(p *compose.Project) {
			p.Services[2].DependsOn = map[string]compose.Condition{"cache": compose.ServiceStarted}
		}, `web: depends on undefined service "cache"`},
		"unknown network": {func(p *compose.Project) {
			p.Services[1].Networks = []compose.ServiceNetwork{{Name: "front"}}
		}, `db: network "front" is not defined`},
		"unknown volume": {func(p *compose.Project) {
			p.Services[1].Mounts = []engine.Mount{{Type: "volume", Source: "logs", Target: "/l"}}
		}, `db: mount /l: volume "logs" is not defined`},
		"no image": {func(p *compose.Project) { p.Services[2].Image = "" }, "web: no image and no build"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			proj := demo()
			c.edit(proj)
			_, err := plan.Build(proj, ident(plan.ModeShared), now)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestLevelsParallelWithinLevel(t *testing.T) {
	svcs := map[string]plan.ServicePlan{
		"a": {}, "c": {}, "b": {},
		"x": {DependsOn: map[string]compose.Condition{"a": compose.ServiceStarted, "b": compose.ServiceStarted}},
		"y": {DependsOn: map[string]compose.Condition{"c": compose.ServiceStarted}},
		"z": {DependsOn: map[string]compose.Condition{"x": compose.ServiceStarted, "c": compose.ServiceStarted}},
	}
	got, err := plan.Levels(svcs)
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"a", "b", "c"}, {"x", "y"}, {"z"}}, got)
}
