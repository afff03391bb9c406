//go:build linux

package integrations

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestActionUpStepsDown: the up action (two compose files, one per line of
// its file input) writes the BERTH_* endpoint lines and BERTH_LEASE to the
// file $GITHUB_ENV names and sets its outputs; between the steps the lease
// outlives up's shell (its TTL) and gc leaves the environment alone; a
// later step reaches the services through those variables; the down
// action (run as GitHub runs a step after the file was read) releases
// that lease, and with linger 0 nothing is left; a second down has
// nothing to release.
func TestActionUpStepsDown(t *testing.T) {
	w := newWorld(t)
	override := filepath.Join(t.TempDir(), "override.yaml")
	require.NoError(t, os.WriteFile(override, []byte("services:\n  api:\n    environment:\n      FROM_OVERRIDE: \"1\"\n"), 0o600))
	j := w.newJob()

	up := j.use("up", map[string]string{"file": stack() + "\n" + override + "\n", "ttl": "10m", "project-name": w.project})
	require.Equal(t, 0, up.code, "%s%s", up.stdout, up.stderr)
	assert.Contains(t, up.stdout, "berth up --ttl 10m --format dotenv -f "+stack()+" -f "+override+" -p "+w.project)
	vars := values(t, j.envFile)
	lease := vars["BERTH_LEASE"]
	require.NotEmpty(t, lease)
	for _, k := range []string{"BERTH_ENV", "BERTH_API_HOST", "BERTH_API_PORT", "BERTH_API_PORT_8080", "BERTH_DB_HOST", "BERTH_DB_PORT_5432"} {
		assert.NotEmpty(t, vars[k], k)
	}
	for k := range vars {
		assert.True(t, strings.HasPrefix(k, "BERTH_"), "only BERTH_* lines: %s", k)
	}
	assert.Equal(t, map[string]string{"lease": lease, "env": vars["BERTH_ENV"]}, values(t, j.out), "the action's outputs")

	assert.Contains(t, w.berth("gc"), "took down 0 environment(s)", "gc between the steps")
	assert.Equal(t, vars["BERTH_ENV"], w.liveLeases()[lease], "up's shell is gone; the TTL keeps the lease")
	resp, err := http.Get("http://" + vars["BERTH_API_HOST"] + ":" + vars["BERTH_API_PORT_8080"] + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "a later step reaches the service")

	down := j.use("down", nil)
	require.Equal(t, 0, down.code, "%s%s", down.stdout, down.stderr)
	assert.Contains(t, down.stdout, "released lease "+lease)
	assert.Empty(t, w.liveLeases())
	assert.Empty(t, w.leftovers(), "linger 0: released and taken down")
	t.Logf("up: %d BERTH_* lines in $GITHUB_ENV, lease %s; down: %s", len(vars), lease, firstLine(down.stdout, "released"))

	again := j.use("down", nil)
	assert.Equal(t, 0, again.code)
	assert.Contains(t, again.stdout, "nothing to release", "the first down cleared BERTH_LEASE")
}

// TestActionDownAfterFailedUp: an up that fails (a missing compose file,
// then no berth to be found) exits non-zero with an error annotation
// quoting berth and writes nothing to $GITHUB_ENV; the down step after it
// exits 0 and says there was nothing to release. Nothing is created.
func TestActionDownAfterFailedUp(t *testing.T) {
	w := newWorld(t)
	log := w.watchCreates()
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	home := t.TempDir()
	for _, tc := range []struct {
		name, file string
		code       int
		says       string
		base       []string
	}{
		{"missing compose file", missing, 2, "::error title=berth up failed (exit 2)::berth: " + missing + ": compose file not found", nil},
		{"no berth", missing, 1, "::error title=berth::berth not found: install it",
			[]string{"PATH=/usr/bin:/bin", "HOME=" + home, "GOPATH=" + home, "GOBIN="}},
	} {
		j := w.newJob(tc.base...)
		up := j.use("up", map[string]string{"file": tc.file, "project-name": w.project})
		assert.Equal(t, tc.code, up.code, "%s: %s%s", tc.name, up.stdout, up.stderr)
		assert.Contains(t, up.stdout, tc.says, tc.name)
		assert.Empty(t, values(t, j.envFile), "%s: nothing in $GITHUB_ENV", tc.name)

		down := j.use("down", nil)
		assert.Equal(t, 0, down.code, "%s: %s%s", tc.name, down.stdout, down.stderr)
		assert.Contains(t, down.stdout, "berth down: nothing to release", tc.name)
		t.Logf("%s: up exit %d (%s); down exit %d: %s", tc.name, up.code, firstLine(up.stdout, "::error"),
			down.code, strings.TrimSpace(down.stdout))
	}
	assert.Empty(t, log.finish(t), "nothing created")
}
