package compose

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// envOf is a Getenv over a fixed map.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// load loads files from testdata with an empty environment unless o sets one.
func load(t *testing.T, o Options) *Project {
	t.Helper()
	if o.WorkingDir == "" {
		o.WorkingDir = "testdata"
	}
	if o.Getenv == nil {
		o.Getenv = envOf(nil)
	}
	p, err := Load(context.Background(), o)
	require.NoError(t, err)
	return p
}

func service(t *testing.T, p *Project, name string) Service {
	t.Helper()
	for _, s := range p.Services {
		if s.Name == name {
			return s
		}
	}
	require.Failf(t, "service not found", "%q in %v", name, serviceNames(p))
	return Service{}
}

func serviceNames(p *Project) []string {
	var out []string
	for _, s := range p.Services {
		out = append(out, s.Name)
	}
	return out
}

func TestLoadFullProject(t *testing.T) {
	p := load(t, Options{Files: []string{"full.yaml"}, Getenv: envOf(map[string]string{"PASSED": "from-process", "FROM_ENV": "arg-from-env"})})
	dir, err := filepath.Abs("testdata")
	require.NoError(t, err)

	assert.Equal(t, "full", p.Name)
	assert.Equal(t, dir, p.WorkingDir)
	assert.Equal(t, []string{filepath.Join(dir, "full.yaml")}, p.Files)
	assert.Len(t, p.Hash, 64)
	assert.Equal(t, []string{"cache", "db", "migrate", "web"}, serviceNames(p))
	assert.Equal(t, []Network{
		{Name: "backend", Driver: "bridge", Internal: true, Labels: map[string]string{"tier": "back"}},
		{Name: "default"},
	}, p.Networks)
	assert.Equal(t, []Volume{{Name: "data", Driver: "local", Labels: map[string]string{"kind": "db"}}}, p.Volumes)

	web := service(t, p, "web")
	fromEnv, version := "arg-from-env", "1.2"
	init := true
	want := Service{
		Name:  "web",
		Image: "full/web:dev",
		Pull:  PullPolicy{Mode: PullMissing},
		Build: &Build{Context: filepath.Join(dir, "app"), Dockerfile: "Dockerfile.test", Target: "runtime",
			Args: map[string]*string{"VERSION": &version, "FROM_ENV": &fromEnv}},
		Command:    []string{"serve", "--port", "8080"},
		Entrypoint: []string{"/bin/entry"},
		// env_file merged, environment wins, PASSED from Getenv, UNSET_VAR dropped
		Environment: []string{"FROM_FILE=overridden", "MODE=test", "ONLY_FILE=yes", "PASSED=from-process"},
		Ports: []engine.PortBinding{
			{ContainerPort: 80, Protocol: "tcp", HostPort: "8080"},
			{ContainerPort: 53, Protocol: "udp", HostIP: "127.0.0.1", HostPort: "5353"},
			{ContainerPort: 9000, Protocol: "tcp"},
			{ContainerPort: 443, Protocol: "tcp", HostIP: "0.0.0.0", HostPort: "8443"},
		},
		Expose: []int{3000, 4000, 4001},
		Mounts: []engine.Mount{
			{Type: "volume", Source: "data", Target: "/var/lib/data"},
			{Type: "bind", Source: filepath.Join(dir, "conf"), Target: "/etc/conf", ReadOnly: true},
			{Type: "volume", Target: "/cache"},
			{Type: "tmpfs", Target: "/tmp/scratch"},
		},
		Networks: []ServiceNetwork{{Name: "backend", Aliases: []string{"api", "web-internal"}}, {Name: "default"}},
		DependsOn: map[string]Condition{
			"db": ServiceHealthy, "migrate": ServiceCompletedSuccessfully, "cache": ServiceStarted,
		},
		Healthcheck: &engine.Healthcheck{Test: []string{"CMD", "/bin/probe", "--quick"},
			Interval: 5 * time.Second, Timeout: 2 * time.Second, StartPeriod: 10 * time.Second,
			StartInterval: time.Second, Retries: 4},
		MemoryLimit:   512 << 20,
		MemoryReserve: 128 << 20,
		NanoCPUs:      500_000_000,
		Restart:       engine.RestartPolicy{Name: "on-failure", MaximumRetryCount: 3}, // from a YAML merge key
		StopSignal:    "SIGINT",
		StopGrace:     20 * time.Second,
		Labels:        map[string]string{"team": "core"},
		WorkingDir:    "/srv",
		User:          "1000:1000",
		Hostname:      "web.local",
		ExtraHosts:    []string{"db.example:10.0.0.5"},
		Init:          &init,
		ShmSize:       64 << 20,
		Ulimits:       []engine.Ulimit{{Name: "nofile", Soft: 1024, Hard: 2048}, {Name: "nproc", Soft: 512, Hard: 512}},
	}
	assert.Equal(t, want, web)

	db := service(t, p, "db")
	assert.Equal(t, int64(1<<30), db.MemoryLimit, "deploy.resources.limits.memory")
	assert.Equal(t, int64(256<<20), db.MemoryReserve, "deploy.resources.reservations.memory")
	assert.Equal(t, int64(1_500_000_000), db.NanoCPUs, "deploy.resources.limits.cpus")
	assert.Equal(t, engine.RestartPolicy{Name: "unless-stopped"}, db.Restart)
	assert.Equal(t, &engine.Healthcheck{Test: []string{"CMD-SHELL", "pg_isready"}}, db.Healthcheck)
	assert.Equal(t, []ServiceNetwork{{Name: "default"}}, db.Networks)

	none := &engine.Healthcheck{Test: []string{"NONE"}}
	assert.Equal(t, none, service(t, p, "migrate").Healthcheck, "disable: true")
	assert.Equal(t, none, service(t, p, "cache").Healthcheck, `test: ["NONE"]`)
	assert.Nil(t, service(t, p, "cache").Command, "no command: the image's")
}

func TestLoadMergesFilesInOrder(t *testing.T) {
	p := load(t, Options{Files: []string{"merge-base.yaml", "merge-override.yaml"}})
	assert.Equal(t, "merged", p.Name)
	assert.Len(t, p.Files, 2)
	assert.Equal(t, []string{"db", "extra", "web"}, serviceNames(p))
	web := service(t, p, "web")
	assert.Equal(t, "web:2", web.Image, "the later file wins")
	assert.Equal(t, []string{"A=1", "B=2"}, web.Environment, "maps merge")
	assert.Equal(t, []engine.PortBinding{{ContainerPort: 80, Protocol: "tcp", HostPort: "8080"}}, web.Ports)
	assert.Equal(t, []engine.PortBinding{{ContainerPort: 5432, Protocol: "tcp"}}, service(t, p, "db").Ports, "!override")
}

func TestLoadPortRangesExpand(t *testing.T) {
	p := load(t, Options{Files: []string{"ports.yaml"}})
	assert.Equal(t, []engine.PortBinding{
		{ContainerPort: 9000, Protocol: "tcp", HostPort: "8000"},
		{ContainerPort: 9001, Protocol: "tcp", HostPort: "8001"},
		{ContainerPort: 7000, Protocol: "tcp"},
		{ContainerPort: 7001, Protocol: "tcp"},
		{ContainerPort: 60, Protocol: "tcp", HostIP: "::1", HostPort: "6000"},
	}, service(t, p, "web").Ports)
}

func TestLoadDotEnvAndInterpolation(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		wantName  string
		wantImage string
		wantPort  string
		wantEnv   []string
	}{
		{
			name:      "dotenv only",
			wantName:  "interp",
			wantImage: "web:from-dotenv",
			wantPort:  "8080",
			wantEnv:   []string{"FROM_DOTENV=dotenv-value", "FROM_PROCESS=dotenv-loses", "GREETING=hello world"},
		},
		{
			name:      "process environment wins over .env",
			env:       map[string]string{"TAG": "from-process", "PORT": "9090", "FROM_PROCESS": "process-wins", "PROJECT": "Other_Name"},
			wantName:  "other_name",
			wantImage: "web:from-process",
			wantPort:  "9090",
			wantEnv:   []string{"FROM_DOTENV=dotenv-value", "FROM_PROCESS=process-wins", "GREETING=hello world"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := load(t, Options{WorkingDir: "testdata/dotenv", Getenv: envOf(tt.env)})
			assert.Equal(t, tt.wantName, p.Name, "name: is interpolated and normalised")
			web := service(t, p, "web")
			assert.Equal(t, tt.wantImage, web.Image)
			require.Len(t, web.Ports, 1)
			assert.Equal(t, tt.wantPort, web.Ports[0].HostPort)
			assert.Equal(t, tt.wantEnv, web.Environment)
		})
	}
}

func TestLoadProfiles(t *testing.T) {
	tests := []struct {
		name     string
		profiles []string
		env      map[string]string
		want     []string
	}{
		{name: "none", want: []string{"web"}},
		{name: "debug", profiles: []string{"debug"}, want: []string{"debug", "web"}},
		// tools depends on debug with required: false: dropped, not an error
		{name: "tools", profiles: []string{"tools"}, want: []string{"tools", "web"}},
		{name: "from COMPOSE_PROFILES", env: map[string]string{"COMPOSE_PROFILES": "debug, tools"}, want: []string{"debug", "tools", "web"}},
		{name: "explicit empty list ignores COMPOSE_PROFILES", profiles: []string{}, env: map[string]string{"COMPOSE_PROFILES": "debug"}, want: []string{"web"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := load(t, Options{Files: []string{"profiles.yaml"}, Profiles: tt.profiles, Getenv: envOf(tt.env)})
			assert.Equal(t, tt.want, serviceNames(p))
		})
	}
	p := load(t, Options{Files: []string{"profiles.yaml"}, Profiles: []string{"tools"}})
	assert.Empty(t, service(t, p, "tools").DependsOn)
	p = load(t, Options{Files: []string{"profiles.yaml"}, Profiles: []string{"tools", "debug"}})
	assert.Equal(t, map[string]Condition{"debug": ServiceStarted}, service(t, p, "tools").DependsOn)
}

func TestLoadExtends(t *testing.T) {
	p := load(t, Options{Files: []string{"extends.yaml"}})
	child := service(t, p, "child")
	assert.Equal(t, "base:1", child.Image)
	assert.Equal(t, []string{"EXTRA=1", "LEVEL=base"}, child.Environment)
	remote := service(t, p, "remote")
	assert.Equal(t, "remote:1", remote.Image, "the extending service's own keys win")
	assert.Equal(t, int64(256<<20), remote.MemoryLimit, "from the other file")
	assert.Equal(t, "SIGQUIT", remote.StopSignal)
}
