package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func streamsWith(env map[string]string) (Streams, *bytes.Buffer) {
	var errb bytes.Buffer
	return Streams{Out: &bytes.Buffer{}, Err: &errb, Getenv: func(k string) string { return env[k] }}, &errb
}

// In a checkout of berth with no compose file in the directory, stress
// runs the demo stack; the image named by BERTH_TESTSVC_IMAGE is used as
// it is (no Docker call).
func TestStressDefaultsToTheDemoStackInACheckout(t *testing.T) {
	s, errb := streamsWith(map[string]string{demoImageVar: "berth-testsvc:given"})
	files, img, err := stressStack(t.Context(), s, nil) // internal/cli holds no compose file
	require.NoError(t, err)
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(root, "examples", "demo", "compose.yaml")}, files)
	assert.Equal(t, "berth-testsvc:given", img)
	assert.Contains(t, errb.String(), "running the demo stack")
}

// Files given, or a compose file in the directory, are the stack: the
// demo is only the default of last resort.
func TestStressRunsTheGivenOrLocalStack(t *testing.T) {
	s, _ := streamsWith(nil)
	files, img, err := stressStack(t.Context(), s, []string{"x/compose.yaml"})
	require.NoError(t, err)
	wd, err := os.Getwd()
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(wd, "x", "compose.yaml")}, files)
	assert.Empty(t, img)

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte("services: {}\n"), 0o644))
	t.Chdir(dir)
	files, img, err = stressStack(t.Context(), s, nil)
	require.NoError(t, err)
	assert.Nil(t, files, "the directory's own compose file, found as by every command")
	assert.Empty(t, img)
}
