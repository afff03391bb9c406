//go:build linux

package integrations

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// TestPytestPluginInstalls: installing integrations/pytest (a copy: pip
// builds in the source directory) into a throwaway virtual environment
// registers the plugin through its pytest11 entry point: pytest knows its
// options without -p pytest_berth. Offline: no index, no build isolation.
func TestPytestPluginInstalls(t *testing.T) {
	requirePytest(t)
	src, venv := t.TempDir(), filepath.Join(t.TempDir(), "venv")
	for _, f := range []string{"pyproject.toml", "pytest_berth.py"} {
		b, err := os.ReadFile(filepath.Join(pluginDir(), f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	steps := [][]string{
		{python(), "-m", "venv", "--system-site-packages", venv},
		{filepath.Join(venv, "bin", "python"), "-m", "pip", "install", "-q", "--no-index", "--no-build-isolation", "--no-deps", src},
		{filepath.Join(venv, "bin", "python"), "-m", "pytest", "--help"},
	}
	var out []byte
	for _, argv := range steps {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir = src
		var err error
		if out, err = cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", argv, err, out)
		}
	}
	for _, opt := range []string{"--berth-file=FILE", "--docker-dedicated", "--cleanup-old-environments", "berth_file (paths)"} {
		if !strings.Contains(string(out), opt) {
			t.Errorf("pytest --help of the installed plugin lacks %q", opt)
		}
	}
}
