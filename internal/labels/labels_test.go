package labels

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStateOfNamesTheDirectory(t *testing.T) {
	dir := t.TempDir()
	a := StateOf(dir)
	assert.Len(t, a, 12)
	assert.Equal(t, a, StateOf(dir+"/"), "the same directory, cleaned")
	assert.NotEqual(t, a, StateOf(filepath.Join(dir, "other")), "another directory")
	link := filepath.Join(t.TempDir(), "link")
	require.NoError(t, os.Symlink(dir, link))
	assert.Equal(t, a, StateOf(link), "a symbolic link to it")
}

func TestCreatorHost(t *testing.T) {
	assert.Equal(t, "ci-7", CreatorHost(map[string]string{Creator: "runner@ci-7:4242"}))
	assert.Equal(t, "h", CreatorHost(map[string]string{Creator: "a@b@h:1"}))
	assert.Equal(t, "", CreatorHost(map[string]string{Creator: "nohost"}))
	assert.Equal(t, "", CreatorHost(nil))
}
