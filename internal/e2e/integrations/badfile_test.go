//go:build linux

package integrations

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPytestBadBerthFile: a missing compose file (pytest -n 4: the xdist
// controller finds it before any worker starts) and a malformed one
// (pytest alone: the session's berth up refuses it) each make pytest exit
// 4 with a usage error quoting berth's message and exit code, without a
// traceback; the daemon saw nothing of the world's created.
func TestPytestBadBerthFile(t *testing.T) {
	requirePytest(t)
	w := newWorld(t)
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.yaml")
	malformed := filepath.Join(dir, "malformed.yaml")
	require.NoError(t, os.WriteFile(malformed, []byte("services:\n  api:\n    image: x\n    ports: [8080\n"), 0o600))
	log := w.watchCreates()

	for _, tc := range []struct {
		name, file, berthCmd, berthSays string
		xdist                           []string
	}{
		{"missing, pytest -n 4", missing, "`berth env -f " + missing + " -p " + w.project + " --format json`",
			"berth: " + missing + ": compose file not found", []string{"-n", "4"}},
		{"malformed, pytest alone", malformed, "`berth up -f " + malformed + " -p " + w.project + " --holder-pid ",
			"berth: " + malformed + ":5: malformed YAML", nil},
	} {
		args := append(tc.xdist, "--berth-file", tc.file, "--berth-project-name", w.project, suite())
		r := w.pytest(args...)
		t.Logf("%s: exit %d: %s", tc.name, r.code, firstLine(r.stderr, "ERROR"))
		assert.Equal(t, 4, r.code, "%s: pytest's usage error\n%s%s", tc.name, r.stdout, r.stderr)
		assert.Contains(t, r.stderr, "ERROR: pytest-berth: "+tc.berthCmd, tc.name)
		assert.Contains(t, r.stderr, "exited 2 (bad input): "+tc.berthSays, tc.name)
		assert.NotContains(t, r.stdout+r.stderr, "Traceback", tc.name)
	}
	created := log.finish(t)
	assert.Empty(t, created, "nothing created")
	assert.Empty(t, w.ps(), "no environment")
}
