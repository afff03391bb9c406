package compose

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loadDoc loads doc as compose.yaml of a fresh directory that also holds
// token.txt, with environment env.
func loadDoc(t *testing.T, doc string, env map[string]string) (*Project, string, error) {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(doc), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "token.txt"), []byte("t"), 0o600))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "lib"), 0o755))
	p, err := Load(context.Background(), Options{WorkingDir: dir, Getenv: envOf(env)})
	return p, dir, err
}

func TestLoadBuildKeys(t *testing.T) {
	p, dir, err := loadDoc(t, `services:
  app:
    build:
      context: .
      dockerfile_inline: |
        FROM scratch
      args: {A: "1"}
      target: prod
      labels: {team: qa}
      secrets: [token, {source: npm, target: npmrc}]
      network: host
      extra_hosts: ["db=10.0.0.2"]
      no_cache: true
      pull: true
      additional_contexts: {lib: ./lib}
      shm_size: 64m
secrets:
  token: {file: ./token.txt}
  npm: {environment: NPM_TOKEN}
`, map[string]string{"NPM_TOKEN": "n"})
	require.NoError(t, err)
	b := service(t, p, "app").Build
	require.NotNil(t, b)
	assert.Equal(t, "FROM scratch\n", b.DockerfileInline)
	assert.Equal(t, "prod", b.Target)
	assert.Equal(t, map[string]string{"team": "qa"}, b.Labels)
	assert.Equal(t, []BuildSecret{{ID: "npmrc", Source: "npm"}, {ID: "token", Source: "token"}}, b.Secrets)
	assert.Equal(t, "host", b.Network)
	assert.Equal(t, []string{"db=10.0.0.2"}, b.ExtraHosts)
	assert.True(t, b.NoCache)
	assert.True(t, b.Pull)
	assert.Equal(t, map[string]string{"lib": filepath.Join(dir, "lib")}, b.AdditionalContexts)
	assert.Equal(t, int64(64<<20), b.ShmSize)
	var names []string
	for _, s := range p.Secrets {
		names = append(names, s.Name)
	}
	assert.Equal(t, []string{"npm", "token"}, names, "build secrets count as used")
}

// Build keys berth cannot honour are refused, naming the key and why.
func TestLoadRefusesBuildKeys(t *testing.T) {
	for key, doc := range map[string]string{
		"cache_to":  "cache_to: [type=local,dest=/tmp/c]",
		"ssh":       "ssh: [default]",
		"platforms": "platforms: [linux/arm64]",
		"network":   "network: backend",
	} {
		_, _, err := loadDoc(t, "services:\n  app:\n    build:\n      context: .\n      "+doc+"\n", nil)
		require.Error(t, err, key)
		assert.Contains(t, err.Error(), "build."+key, key)
	}
}
