package e2e

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCIStepsUpTestsDown: a pipeline runs `berth up`, the tests and
// `berth down` as three steps, each in a shell of its own that exits when
// the step ends. With --ttl the lease outlives up's shell (gc in between
// leaves the environment alone); --format dotenv hands the endpoints and
// BERTH_LEASE to the next steps; down releases $BERTH_LEASE.
func TestCIStepsUpTestsDown(t *testing.T) {
	w := newWorld(t)
	envFile := filepath.Join(t.TempDir(), "pipeline.env")

	// Step 1, in a shell that exits at the end of the step.
	up := w.berth()
	step := strings.Join([]string{shellQuote(os.Args[0]), "up", "-p", w.project, "-f", shellQuote(demo()),
		"--ttl", "10m", "--format", "dotenv", ">", shellQuote(envFile)}, " ")
	sh := exec.Command("sh", "-c", step)
	sh.Env = up.Env
	out, err := sh.CombinedOutput()
	require.NoError(t, err, "%s", out)

	vars := map[string]string{}
	for line := range strings.Lines(readFile(t, envFile)) {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		require.True(t, ok, line)
		vars[k] = v
	}
	require.NotEmpty(t, vars["BERTH_LEASE"])
	require.NotEmpty(t, vars["BERTH_BACKEND_PORT"])

	// Between the steps, another berth process collects garbage: the
	// lease's holder (up's shell) is gone, but its TTL keeps it live.
	gc := w.run("gc")
	require.Equal(t, 0, gc.code, gc.stderr)
	assert.Contains(t, gc.stdout, "took down 0 environment(s)")
	live, _ := w.liveLeases(t)
	assert.Equal(t, 1, live)

	// Step 2: the tests reach the services through the handed-over endpoints.
	resp, err := http.Get("http://" + vars["BERTH_BACKEND_HOST"] + ":" + vars["BERTH_BACKEND_PORT"] + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	// Step 3: down with BERTH_LEASE from the pipeline's environment.
	w.env = append(w.env, "BERTH_LEASE="+vars["BERTH_LEASE"])
	down := w.run("down")
	require.Equal(t, 0, down.code, down.stderr)
	assert.Contains(t, down.stdout, "released lease "+vars["BERTH_LEASE"])
	assert.Empty(t, w.leftovers(context.Background()), "linger 0: torn down once released")
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}
