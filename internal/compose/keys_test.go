package compose

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// keysEnv sets the environment sources of testdata/keys/compose.yaml.
var keysEnv = map[string]string{"API_TOKEN": "tok-from-env", "APP_CONFIG": "cfg-from-env"}

func TestLoadIssue10Keys(t *testing.T) {
	p := load(t, Options{WorkingDir: "testdata/keys", Getenv: envOf(keysEnv)})
	dir, err := filepath.Abs("testdata/keys")
	require.NoError(t, err)

	web := service(t, p, "web")
	assert.Equal(t, "legacy-web", web.ContainerName)
	assert.True(t, web.StdinOpen)
	assert.True(t, web.Tty)
	assert.Equal(t, map[string]string{"net.core.somaxconn": "1024"}, web.Sysctls)
	assert.Equal(t, "runc", web.Runtime)
	assert.Equal(t, []string{"NET_ADMIN"}, web.CapAdd)
	assert.Equal(t, []string{"MKNOD"}, web.CapDrop)
	assert.True(t, web.Privileged)
	assert.Equal(t, []string{"no-new-privileges:true"}, web.SecurityOpt)
	assert.Equal(t, []engine.Device{{Source: "/dev/fuse", Target: "/dev/fuse", Permissions: "rwm"},
		{Source: "/dev/sda", Target: "/dev/xvda", Permissions: "r"}}, web.Devices)
	assert.Equal(t, &engine.Logging{Driver: "json-file", Options: map[string]string{"max-size": "1m"}}, web.Logging)
	assert.Equal(t, "linux/amd64", web.Platform)
	assert.True(t, web.ReadOnly)
	assert.Equal(t, map[string]string{"/run": "size=64k", "/tmp": ""}, web.Tmpfs)
	assert.Equal(t, []string{"audio"}, web.GroupAdd)
	assert.Equal(t, []ServiceNetwork{{Name: "fixed", Aliases: []string{"www"}, IPv4Address: "172.28.5.10"}}, web.Networks)
	assert.Equal(t, []FileMount{
		{Source: "db-password", Target: "/run/secrets/db-password"},
		{Source: "api-token", Target: "/run/secrets/token"},
		{Source: "api-token", Target: "/etc/token"},
	}, web.Secrets)
	assert.Equal(t, []FileMount{
		{Source: "app-config", Target: "/app-config"},
		{Source: "inline", Target: "/etc/inline.conf"},
		{Source: "from-env", Target: "/relative.conf"},
	}, web.Configs)

	assert.Equal(t, "service:web", service(t, p, "sidecar").NetworkMode)
	assert.Empty(t, service(t, p, "sidecar").Networks, "a network mode replaces networks")
	assert.Equal(t, map[string]Condition{"web": ServiceStarted}, service(t, p, "sidecar").DependsOn, "network_mode service:web implies it")
	assert.Equal(t, "none", service(t, p, "isolated").NetworkMode)
	assert.Equal(t, "host", service(t, p, "hosted").NetworkMode)

	require.Len(t, p.Networks, 1, "no service joins default: it is not created")
	assert.Equal(t, Network{Name: "fixed", IPAM: &engine.IPAM{Driver: "default", Options: map[string]string{"foo": "bar"},
		Config: []engine.IPAMPool{{Subnet: "172.28.0.0/16", IPRange: "172.28.5.0/24", Gateway: "172.28.5.254",
			AuxAddresses: map[string]string{"router": "172.28.1.5"}}}}}, p.Networks[0])

	require.Len(t, p.Secrets, 2, "only the secrets services use; the unused one's variable is not needed")
	assert.Equal(t, "api-token", p.Secrets[0].Name)
	assert.Equal(t, "API_TOKEN", p.Secrets[0].Environment)
	assert.Equal(t, "tok-from-env", string(p.Secrets[0].Content.Bytes()))
	assert.Equal(t, FileObject{Name: "db-password", File: filepath.Join(dir, "db-password.txt")}, p.Secrets[1])
	require.Len(t, p.Configs, 3)
	assert.Equal(t, FileObject{Name: "app-config", File: filepath.Join(dir, "app.conf")}, p.Configs[0])
	assert.Equal(t, "cfg-from-env", string(p.Configs[1].Content.Bytes()))
	assert.Equal(t, "inline = true\n", string(p.Configs[2].Content.Bytes()))

	require.Len(t, p.Notes, 2)
	assert.Contains(t, p.Notes[0], `services.isolated.container_name "isolated-job"`)
	assert.Contains(t, p.Notes[0], "resolves nowhere")
	assert.Contains(t, p.Notes[1], `services.web.container_name "legacy-web"`)
	assert.Contains(t, p.Notes[1], "network alias")
}

// TestSecretContentNeverHashedNorPrinted: secret and config content is
// left out of the configuration hash, and no way of printing or encoding
// the project shows it.
func TestSecretContentNeverHashedNorPrinted(t *testing.T) {
	a := load(t, Options{WorkingDir: "testdata/keys", Getenv: envOf(keysEnv)})
	b := load(t, Options{WorkingDir: "testdata/keys", Getenv: envOf(map[string]string{"API_TOKEN": "other", "APP_CONFIG": "other"})})
	assert.Equal(t, a.Hash, b.Hash, "environment source values are not hashed")

	src, err := os.ReadFile("testdata/keys/compose.yaml")
	require.NoError(t, err)
	d := t.TempDir()
	for _, f := range []string{"db-password.txt", "app.conf"} {
		require.NoError(t, os.WriteFile(filepath.Join(d, f), []byte("changed"), 0o600))
	}
	require.NoError(t, os.WriteFile(filepath.Join(d, "compose.yaml"),
		bytes.Replace(src, []byte("inline = true"), []byte("inline = false"), 1), 0o600))
	c := load(t, Options{WorkingDir: d, Getenv: envOf(keysEnv)})
	require.Equal(t, "inline = false\n", string(c.Configs[2].Content.Bytes()))
	assert.NotEqual(t, a.Hash, c.Hash, "file sources are paths: another checkout's differ")
	c.Secrets[1].File, c.Configs[0].File, c.Files, c.WorkingDir = a.Secrets[1].File, a.Configs[0].File, a.Files, a.WorkingDir
	h, err := hashProject(c)
	require.NoError(t, err)
	assert.Equal(t, a.Hash, h, "inline content is not hashed either")

	var out bytes.Buffer
	fmt.Fprintf(&out, "%v %+v %#v %s %q %x %d\n", a, a, a, a.Secrets, a.Configs, a.Secrets[0], a.Secrets[0].Content)
	j, err := json.Marshal(a)
	require.NoError(t, err)
	out.Write(j)
	slog.New(slog.NewJSONHandler(&out, nil)).Info("p", "project", a, "secret", a.Secrets[0].Content)
	slog.New(slog.NewTextHandler(&out, nil)).Info("p", "project", a, "secret", a.Secrets[0].Content)
	for _, secret := range []string{"tok-from-env", "cfg-from-env", "inline = true"} {
		assert.NotContains(t, out.String(), secret)
	}
	assert.True(t, strings.Contains(out.String(), "[redacted]"))
}
