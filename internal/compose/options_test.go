package compose

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadDefaultFileAndName(t *testing.T) {
	dir := t.TempDir()
	proj := filepath.Join(dir, "My Project.Dir")
	require.NoError(t, os.Mkdir(proj, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(proj, "docker-compose.yml"), []byte("services:\n  web:\n    image: web:1\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(proj, "compose.override.yaml"), []byte("services:\n  web:\n    image: web:2\n"), 0o644))

	p := load(t, Options{WorkingDir: proj})
	assert.Equal(t, "myprojectdir", p.Name, "the directory name, normalised like compose")
	assert.Equal(t, "web:2", service(t, p, "web").Image, "compose.override.yaml is merged")

	p = load(t, Options{WorkingDir: proj, ProjectName: "chosen"})
	assert.Equal(t, "chosen", p.Name)

	_, err := Load(context.Background(), Options{WorkingDir: proj, ProjectName: "Not Valid", Getenv: envOf(nil)})
	var ce *Error
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, ce.Msg, `invalid project name "Not Valid"`)

	_, err = Load(context.Background(), Options{WorkingDir: dir, Getenv: envOf(nil)})
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, dir, ce.File)
	assert.Contains(t, ce.Msg, "no compose file found")
}

func TestLoadHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Load(ctx, Options{Files: []string{"full.yaml"}, WorkingDir: "testdata"})
	require.ErrorIs(t, err, context.Canceled)
}
