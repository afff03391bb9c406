package e2e

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/testsvc"
)

// upped is what `berth up --json` prints.
type upped struct {
	Env       string            `json:"env"`
	Mode      string            `json:"mode"`
	Endpoints map[string]string `json:"endpoints"`
}

// upFile brings file up with berth up (flags added), registering its
// release first, and returns the environment and up's stderr.
func (w *world) upFile(t *testing.T, file string, flags ...string) (upped, string) {
	t.Helper()
	t.Cleanup(func() { w.run("down", "-p", w.project, "-f", file, "--now") })
	r := w.run(append([]string{"up", "-p", w.project, "-f", file, "--json"}, flags...)...)
	require.Equal(t, 0, r.code, r.stderr)
	var u upped
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &u), r.stdout)
	return u, r.stderr
}

// svcAddr is service's published host:port in u.
func (u upped) svcAddr(service string) string {
	p := "BERTH_" + strings.ToUpper(service)
	return u.Endpoints[p+"_HOST"] + ":" + u.Endpoints[p+"_PORT"]
}

// getOK GETs path from addr until it answers 200 (the service may still
// be starting to listen) and returns the body.
func getOK(t *testing.T, addr, path string) string {
	t.Helper()
	var body string
	require.Eventually(t, func() bool {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			body = err.Error()
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body = string(b)
		return resp.StatusCode == http.StatusOK
	}, 15*time.Second, 100*time.Millisecond, "GET %s%s: %s", addr, path, &body)
	return body
}

// readFileIn reads a file inside the service behind addr.
func readFileIn(t *testing.T, addr, path string) testsvc.FileInfo {
	t.Helper()
	var fi testsvc.FileInfo
	require.NoError(t, json.Unmarshal([]byte(getOK(t, addr, "/file?path="+url.QueryEscape(path))), &fi))
	return fi
}

// TestComposeContainerNameIsAnAlias: a service with container_name gets
// berth's container name, the given name resolves from another service,
// and up says so once.
func TestComposeContainerNameIsAnAlias(t *testing.T) {
	w := newWorld(t)
	u, stderr := w.upFile(t, testdata("keys-alias.yaml"))
	assert.Equal(t, 1, strings.Count(stderr, `container_name \"legacy-fixed-name\"`), stderr)
	assert.Contains(t, stderr, "level=WARN")

	c := w.container(t, u.Env, "legacy")
	assert.Equal(t, u.Env+"-legacy-1", c.Name, "berth names the container")
	got := getOK(t, u.svcAddr("client"), "/fetch?url="+url.QueryEscape("http://legacy-fixed-name:8080/"))
	assert.Equal(t, "legacy", strings.TrimSpace(got), "the container_name resolves to the service")
}

// TestComposeSecretsAndConfigs: a file secret, an environment secret, a
// file config and an inline config are readable where compose mounts
// them, read-only; the written ones have mode 0600; no command prints the
// environment secret; its file goes with the environment.
func TestComposeSecretsAndConfigs(t *testing.T) {
	w := newWorld(t)
	token := "tok-" + rand.Text()
	w.env = append(w.env, "BERTH_E2E_API_TOKEN="+token)
	file := testdata("keys-secrets.yaml")
	u, stderr := w.upFile(t, file)
	addr := u.svcAddr("app")

	hostSecret, err := os.Stat(testdata("keys-secret.txt"))
	require.NoError(t, err)
	for _, tc := range []struct {
		path, content, mode string
	}{
		{"/run/secrets/db-password", "db-password-from-file\n", fmt.Sprintf("%04o", hostSecret.Mode().Perm())},
		{"/run/secrets/token", token, "0600"},
		{"/app-config", "from = \"a config file\"\n", ""},
		{"/etc/inline.conf", "inline = true\n", "0600"},
	} {
		fi := readFileIn(t, addr, tc.path)
		assert.Equal(t, tc.content, fi.Content, tc.path)
		assert.False(t, fi.Writable, "%s is mounted read-only", tc.path)
		if tc.mode != "" {
			assert.Equal(t, tc.mode, fi.Mode, tc.path)
		}
	}

	written := filepath.Join(w.state, "files", u.Env, "secret-api-token")
	_, err = os.Stat(written)
	require.NoError(t, err, "the environment secret is a file in the state directory")
	outputs := []string{stderr}
	for _, args := range [][]string{{"env", "-p", w.project, "-f", file}, {"env", "-p", w.project, "-f", file, "--format", "json"},
		{"ps"}, {"ps", "--json"}} {
		r := w.run(args...)
		require.Equal(t, 0, r.code, "%v: %s", args, r.stderr)
		outputs = append(outputs, r.stdout, r.stderr)
	}
	for _, out := range outputs {
		assert.NotContains(t, out, token, "no command prints a secret")
	}

	down := w.run("down", "-p", w.project, "-f", file, "--now")
	require.Equal(t, 0, down.code, down.stderr)
	_, err = os.Stat(filepath.Dir(written))
	assert.ErrorIs(t, err, os.ErrNotExist, "the written secrets go with the environment")
}

// TestComposeFixedSubnet: a shared environment's network has the compose
// file's subnet; a dedicated copy's network gets one from the daemon and
// up says so.
func TestComposeFixedSubnet(t *testing.T) {
	w := newWorld(t)
	var b [1]byte
	_, _ = rand.Read(b[:])
	subnet := fmt.Sprintf("10.252.%d.0/24", b[0])
	w.env = append(w.env, "BERTH_E2E_SUBNET="+subnet)
	file := testdata("keys-subnet.yaml")

	shared, _ := w.upFile(t, file)
	n, err := w.e.NetworkInspect(t.Context(), shared.Env+"_fixed")
	require.NoError(t, err)
	require.NotNil(t, n.IPAM)
	require.Len(t, n.IPAM.Config, 1)
	assert.Equal(t, subnet, n.IPAM.Config[0].Subnet)
	getOK(t, shared.svcAddr("web"), "/healthz")
	down := w.run("down", "-p", w.project, "-f", file, "--now")
	require.Equal(t, 0, down.code, down.stderr)

	dedicated, stderr := w.upFile(t, file, "--dedicated")
	require.Equal(t, "dedicated", dedicated.Mode)
	assert.Contains(t, stderr, "the daemon chooses its subnet")
	n, err = w.e.NetworkInspect(t.Context(), dedicated.Env+"_fixed")
	require.NoError(t, err)
	require.NotNil(t, n.IPAM)
	require.NotEmpty(t, n.IPAM.Config)
	assert.NotEmpty(t, n.IPAM.Config[0].Subnet)
	assert.NotEqual(t, subnet, n.IPAM.Config[0].Subnet)
	getOK(t, dedicated.svcAddr("web"), "/healthz")
}

// TestComposeNetworkModeService: with network_mode service:db the
// sidecar's port answers on db's loopback, and its container joins db's.
func TestComposeNetworkModeService(t *testing.T) {
	w := newWorld(t)
	u, _ := w.upFile(t, testdata("keys-netmode.yaml"))
	db, side := w.container(t, u.Env, "db"), w.container(t, u.Env, "sidecar")
	assert.Equal(t, "container:"+db.ID, side.NetworkMode)
	got := getOK(t, u.svcAddr("db"), "/fetch?url="+url.QueryEscape("http://127.0.0.1:9090/"))
	assert.Equal(t, "sidecar", strings.TrimSpace(got))
}

// TestComposeSysctlsAndTerminal: a sysctl is set inside the container,
// and with stdin_open and tty inspect shows both and stdin is a terminal.
func TestComposeSysctlsAndTerminal(t *testing.T) {
	w := newWorld(t)
	u, _ := w.upFile(t, testdata("keys-settings.yaml"))
	addr := u.svcAddr("web")
	assert.Equal(t, "600\n", readFileIn(t, addr, "/proc/sys/net/ipv4/tcp_keepalive_time").Content)

	c := w.container(t, u.Env, "web")
	assert.True(t, c.Tty)
	assert.True(t, c.StdinOpen)
	assert.Equal(t, map[string]string{"net.ipv4.tcp_keepalive_time": "600"}, c.Sysctls)
	var tty testsvc.TTYInfo
	require.NoError(t, json.Unmarshal([]byte(getOK(t, addr, "/tty")), &tty))
	assert.True(t, tty.Stdin, "stdin is a terminal")
}
