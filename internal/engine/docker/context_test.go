package docker

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeContext stores a docker CLI context the way `docker context create`
// does, optionally with TLS files.
func writeContext(t *testing.T, cfgDir, name, host string, skipVerify bool, tlsFiles ...string) {
	t.Helper()
	dir := contextDir(name)
	meta := filepath.Join(cfgDir, "contexts", "meta", dir)
	require.NoError(t, os.MkdirAll(meta, 0o755))
	body := `{"Name":"` + name + `","Metadata":{},"Endpoints":{"docker":{"Host":"` + host + `","SkipTLSVerify":` +
		map[bool]string{true: "true", false: "false"}[skipVerify] + `}}}`
	require.NoError(t, os.WriteFile(filepath.Join(meta, "meta.json"), []byte(body), 0o644))
	if len(tlsFiles) > 0 {
		tlsDir := filepath.Join(cfgDir, "contexts", "tls", dir, "docker")
		require.NoError(t, os.MkdirAll(tlsDir, 0o755))
		for _, f := range tlsFiles {
			require.NoError(t, os.WriteFile(filepath.Join(tlsDir, f), []byte("pem"), 0o600))
		}
	}
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestContextDirIsSHA256OfName(t *testing.T) {
	// sha256("desktop-linux"), as the docker CLI stores Docker Desktop's context.
	assert.Equal(t, "fe9c6bd7a66301f49ca9b6a70b217107cd1284598bfc254700c989b916da791e", contextDir("desktop-linux"))
}

func TestResolveEndpoint(t *testing.T) {
	cfg := t.TempDir()
	writeContext(t, cfg, "remote", "tcp://10.0.0.1:2376", false, "ca.pem", "cert.pem", "key.pem")
	writeContext(t, cfg, "sock", "unix:///tmp/other.sock", false)
	writeContext(t, cfg, "insecure", "tcp://10.0.0.2:2376", true)

	tests := []struct {
		name     string
		override string
		env      map[string]string
		wantHost string
		wantTLS  *tlsFiles
	}{
		{name: "nothing set: platform default", env: map[string]string{envConfig: cfg}},
		{name: "option wins over everything", override: "unix:///opt.sock",
			env: map[string]string{envConfig: cfg, envHost: "tcp://h:1", envContext: "remote"}, wantHost: "unix:///opt.sock"},
		{name: "DOCKER_HOST wins over DOCKER_CONTEXT",
			env: map[string]string{envConfig: cfg, envHost: "tcp://h:1", envContext: "remote"}, wantHost: "tcp://h:1"},
		{name: "DOCKER_CONTEXT", env: map[string]string{envConfig: cfg, envContext: "sock"}, wantHost: "unix:///tmp/other.sock"},
		{name: "context default is the default host", env: map[string]string{envConfig: cfg, envContext: "default"}},
		{name: "context TLS files", env: map[string]string{envConfig: cfg, envContext: "remote"}, wantHost: "tcp://10.0.0.1:2376",
			wantTLS: &tlsFiles{
				CA:   filepath.Join(cfg, "contexts", "tls", contextDir("remote"), "docker", "ca.pem"),
				Cert: filepath.Join(cfg, "contexts", "tls", contextDir("remote"), "docker", "cert.pem"),
				Key:  filepath.Join(cfg, "contexts", "tls", contextDir("remote"), "docker", "key.pem"),
			}},
		{name: "context skip verify without files", env: map[string]string{envConfig: cfg, envContext: "insecure"},
			wantHost: "tcp://10.0.0.2:2376", wantTLS: &tlsFiles{SkipVerify: true}},
		{name: "env TLS with DOCKER_HOST", env: map[string]string{envConfig: cfg, envHost: "tcp://h:2376", envCertPath: "/certs", envTLSVerify: "1"},
			wantHost: "tcp://h:2376", wantTLS: &tlsFiles{CA: filepath.Join("/certs", "ca.pem"), Cert: filepath.Join("/certs", "cert.pem"), Key: filepath.Join("/certs", "key.pem")}},
		{name: "env TLS without verify", env: map[string]string{envConfig: cfg, envHost: "tcp://h:2376", envCertPath: "/certs"},
			wantHost: "tcp://h:2376", wantTLS: &tlsFiles{CA: filepath.Join("/certs", "ca.pem"), Cert: filepath.Join("/certs", "cert.pem"), Key: filepath.Join("/certs", "key.pem"), SkipVerify: true}},
		{name: "DOCKER_TLS_VERIFY alone uses the config dir", env: map[string]string{envConfig: cfg, envHost: "tcp://h:2376", envTLSVerify: "1"},
			wantHost: "tcp://h:2376", wantTLS: &tlsFiles{CA: filepath.Join(cfg, "ca.pem"), Cert: filepath.Join(cfg, "cert.pem"), Key: filepath.Join(cfg, "key.pem")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ep, err := resolveEndpoint(tc.override, envOf(tc.env), "/nonexistent-home")
			require.NoError(t, err)
			assert.Equal(t, tc.wantHost, ep.Host)
			assert.Equal(t, tc.wantTLS, ep.TLS)
		})
	}
}

func TestResolveEndpointCurrentContext(t *testing.T) {
	home := t.TempDir()
	cfg := filepath.Join(home, ".docker")
	writeContext(t, cfg, "desktop-linux", "unix:///Users/me/.docker/run/docker.sock", false)
	require.NoError(t, os.WriteFile(filepath.Join(cfg, "config.json"), []byte(`{"auths":{},"currentContext":"desktop-linux"}`), 0o600))

	ep, err := resolveEndpoint("", envOf(nil), home)
	require.NoError(t, err)
	assert.Equal(t, "unix:///Users/me/.docker/run/docker.sock", ep.Host)
	assert.Contains(t, ep.Source, "desktop-linux")

	// DOCKER_CONTEXT beats the config file's current context.
	ep, err = resolveEndpoint("", envOf(map[string]string{envContext: "default"}), home)
	require.NoError(t, err)
	assert.Empty(t, ep.Host)
}

func TestResolveEndpointErrors(t *testing.T) {
	cfg := t.TempDir()
	_, err := resolveEndpoint("", envOf(map[string]string{envConfig: cfg, envContext: "missing"}), "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"missing"`)
	assert.Contains(t, err.Error(), "no such context")

	require.NoError(t, os.WriteFile(filepath.Join(cfg, "config.json"), []byte(`{not json`), 0o600))
	_, err = resolveEndpoint("", envOf(map[string]string{envConfig: cfg}), "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "config.json")

	cfg2 := t.TempDir()
	writeContext(t, cfg2, "empty", "", false)
	_, err = resolveEndpoint("", envOf(map[string]string{envConfig: cfg2, envContext: "empty"}), "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no docker endpoint host")
}

func TestNewHonoursHostOptionWithoutIO(t *testing.T) {
	t.Setenv(envHost, "tcp://127.0.0.1:1")
	e, err := New(Options{Host: "unix:///nonexistent/berth-test.sock"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = e.Close() })
	assert.Equal(t, "unix:///nonexistent/berth-test.sock", e.Endpoint())
	assert.Equal(t, "http://"+"api.moby.localhost", e.rawBase)
}

func TestNewRejectsUnknownContext(t *testing.T) {
	t.Setenv(envHost, "")
	t.Setenv(envConfig, t.TempDir())
	t.Setenv(envContext, "nope")
	_, err := New(Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `docker context "nope"`)
}
