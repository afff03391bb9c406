package lifecycle_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/compose"
	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/lifecycle"
)

func TestUpBuildsOnceAndReusesTheImage(t *testing.T) {
	e := newFake(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM "+fakeImage+"\nCOPY app.txt /app.txt\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "app.txt"), []byte("v1"), 0o644))
	api := svc("api", nil)
	api.Image, api.Build = "", &compose.Build{Context: dir}

	p1 := planOf(t, "env-b1", api)
	require.NoError(t, lifecycle.Up(t.Context(), e, p1, lifecycle.UpOptions{}))
	assert.Equal(t, 1, e.Calls(engine.OpImageBuild))
	img, err := e.ImageInspect(t.Context(), p1.Builds[0].Tag)
	require.NoError(t, err)
	assert.Regexp(t, `^sha256:`, img.Labels[lifecycle.BuildDigestLabel])
	c, err := e.ContainerInspect(t.Context(), "env-b1-api-1")
	require.NoError(t, err)
	assert.Equal(t, p1.Builds[0].Tag, c.Image)

	// Another environment of the same project reuses the image.
	p2 := planOf(t, "env-b2", api)
	require.Equal(t, p1.Builds[0].Tag, p2.Builds[0].Tag)
	require.NoError(t, lifecycle.Up(t.Context(), e, p2, lifecycle.UpOptions{}))
	assert.Equal(t, 1, e.Calls(engine.OpImageBuild))

	// Changed sources are built again under the same tag.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "app.txt"), []byte("v2"), 0o644))
	p3 := planOf(t, "env-b3", api)
	require.NoError(t, lifecycle.Up(t.Context(), e, p3, lifecycle.UpOptions{}))
	assert.Equal(t, 2, e.Calls(engine.OpImageBuild))
}

func TestUpBuildFailureTearsDown(t *testing.T) {
	e := newFake(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\nCOPY missing.txt /\n"), 0o644))
	api := svc("api", nil)
	api.Image, api.Build = "", &compose.Build{Context: dir}
	p := planOf(t, "env-bfail", api)
	// The fake does not parse Dockerfiles: fail the build as the daemon
	// fails this one.
	e.FailNext(engine.OpImageBuild, fmt.Errorf("COPY failed: file not found in build context: %w", engine.ErrInvalid))
	rec := newRecorder()
	err := lifecycle.Up(t.Context(), e, p, lifecycle.UpOptions{Progress: rec})
	require.ErrorIs(t, err, engine.ErrInvalid)
	assert.Contains(t, err.Error(), "for service api")
	assert.Equal(t, []string{"api building", "api failed"}, rec.all())
	assert.Equal(t, 0, e.Calls(engine.OpContainerCreate))
	requireEnvGone(t, e, "env-bfail")
}
