//go:build linux

package integrations

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestPytestPluginUnitTests runs the plugin's unit tests
// (integrations/pytest/tests/unit: options, the berth command lines, how
// failures are reported; berth played by a recording script) with Debian's
// pytest; they need no daemon.
func TestPytestPluginUnitTests(t *testing.T) {
	requirePytest(t)
	cmd := exec.Command(python(), "-m", "pytest", "-p", "pytester", "-p", "no:cacheprovider", "-n", "4", "-q",
		filepath.Join(pluginDir(), "tests", "unit"))
	cmd.Dir = root()
	cmd.Env = append(os.Environ(), "PYTHONPATH="+pluginDir())
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("the plugin's unit tests: %v", err)
	}
}
