package stress

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNaiveFilesForV1DropTheTopLevelNameOnly(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "compose.yaml")
	require.NoError(t, os.WriteFile(src, []byte(`name: demo
x-service: &service
  image: img
services:
  a:
    <<: *service
    environment: {name: keep}
`), 0o600))
	out := t.TempDir()
	files, err := NaiveFiles([]string{src}, true, out)
	require.NoError(t, err)
	require.Len(t, files, 1)
	b, err := os.ReadFile(files[0])
	require.NoError(t, err)
	assert.NotContains(t, string(b), "name: demo")
	assert.Contains(t, string(b), "<<: *service")
	assert.Contains(t, string(b), "name: keep")

	same, err := NaiveFiles([]string{src}, false, out)
	require.NoError(t, err)
	assert.Equal(t, []string{src}, same, "compose v2 reads the files as they are")
	assert.True(t, IsV1([]string{"/usr/bin/docker-compose"}))
	assert.False(t, IsV1([]string{"docker", "compose"}))
}
