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
