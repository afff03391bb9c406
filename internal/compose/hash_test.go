package compose

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHashStability(t *testing.T) {
	a := load(t, Options{Files: []string{"hash-a.yaml"}})
	again := load(t, Options{Files: []string{"hash-a.yaml"}})
	reformatted := load(t, Options{Files: []string{"hash-b.yaml"}})
	changed := load(t, Options{Files: []string{"hash-c.yaml"}})

	assert.Equal(t, a.Hash, again.Hash, "deterministic")
	assert.Equal(t, a.Hash, reformatted.Hash, "whitespace, comments, key order and list vs map form do not matter")
	assert.NotEqual(t, a.Hash, changed.Hash, "a changed value gives a new hash")
}

func TestHashIgnoresCheckoutPath(t *testing.T) {
	content, err := os.ReadFile("testdata/hash-a.yaml")
	require.NoError(t, err)
	dirs := []string{t.TempDir(), t.TempDir()}
	var hashes []string
	for _, d := range dirs {
		require.NoError(t, os.WriteFile(filepath.Join(d, "compose.yaml"), content, 0o644))
		hashes = append(hashes, load(t, Options{WorkingDir: d}).Hash)
	}
	assert.Equal(t, hashes[0], hashes[1], "same config from another checkout")

	// a bind mount's absolute source is part of the configuration
	bind := []byte("name: b\nservices:\n  web:\n    image: web:1\n    volumes: [\"./data:/data\"]\n")
	hashes = hashes[:0]
	for _, d := range dirs {
		require.NoError(t, os.WriteFile(filepath.Join(d, "compose.yaml"), bind, 0o644))
		hashes = append(hashes, load(t, Options{WorkingDir: d}).Hash)
	}
	assert.NotEqual(t, hashes[0], hashes[1], "bind sources differ")
}

// TestHashOfOlderProjectsUnchanged pins the hash of a project that uses
// none of the keys added since: new fields are left out of the encoding
// when unset, so existing shared environments keep their IDs across a
// berth upgrade.
func TestHashOfOlderProjectsUnchanged(t *testing.T) {
	for file, want := range map[string]string{ // as berth before issue 10 hashed them
		"hash-a.yaml":        "2a65ae741f1f95545f145cc2d7462fd1c52dc8598090cb28e51daadbcb087f29",
		"hash-networks.yaml": "8cae96869d6ee6e7c8cd793cdb7ccb4a089f9eaf8054ca2c17211248cf1bd1a1",
	} {
		assert.Equal(t, want, load(t, Options{Files: []string{file}}).Hash, file)
	}
}

// x-berth.readiness changes how berth waits, not what it creates: the
// environment (and its ID) stays the same.
func TestHashIgnoresReadiness(t *testing.T) {
	content, err := os.ReadFile("testdata/hash-a.yaml")
	require.NoError(t, err)
	var hashes []string
	for _, extra := range []string{"", "x-berth:\n  readiness: engine\n", "x-berth:\n  readiness: probe\n"} {
		d := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(d, "compose.yaml"), append(append([]byte{}, content...), "\n"+extra...), 0o644))
		hashes = append(hashes, load(t, Options{WorkingDir: d}).Hash)
	}
	assert.Equal(t, hashes[0], hashes[1])
	assert.Equal(t, hashes[0], hashes[2])
}
