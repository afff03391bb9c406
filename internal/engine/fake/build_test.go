package fake_test

import (
	"archive/tar"
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// contextTar is a build context holding files (path -> content).
func contextTar(t *testing.T, files map[string]string) *bytes.Reader {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, body := range files {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body))}))
		_, err := tw.Write([]byte(body))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	return bytes.NewReader(buf.Bytes())
}

func TestImageBuildTagsAndLabelsWithoutParsing(t *testing.T) {
	e := newFake(t)
	ctx := t.Context()
	err := e.ImageBuild(ctx, engine.BuildSpec{
		// Neither the base nor the instruction exists: the fake does not parse.
		Context:    contextTar(t, map[string]string{"build/Dockerfile.ci": "FROM nothere:1\nBOGUS x\n", "app.txt": "abc"}),
		Dockerfile: "./build/Dockerfile.ci",
		Tags:       []string{"app:v1", "app"},
		Labels:     map[string]string{"dev.berth.test": "run1"},
	})
	require.NoError(t, err)

	im, err := e.ImageInspect(ctx, "app:v1")
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"app:v1", "app:latest"}, im.RepoTags)
	assert.Equal(t, map[string]string{"dev.berth.test": "run1"}, im.Labels)
	assert.Equal(t, int64(len("FROM nothere:1\nBOGUS x\n")+3), im.Size, "the context's bytes")
	id, err := e.ContainerCreate(ctx, engine.ContainerSpec{Image: "app"})
	require.NoError(t, err)
	c, err := e.ContainerInspect(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"dev.berth.test": "run1"}, c.Labels, "image labels reach containers")

	require.NoError(t, e.ImageBuild(ctx, engine.BuildSpec{
		Context: contextTar(t, map[string]string{"Dockerfile": ""}), Tags: []string{"app:v1"},
	}), "a rebuild under a used tag")
	again, err := e.ImageInspect(ctx, "app:v1")
	require.NoError(t, err)
	assert.NotEqual(t, im.ID, again.ID, "no build cache: a new image")
	old, err := e.ImageInspect(ctx, im.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"app:latest"}, old.RepoTags, "the tag moved")

	before := len(images(t, e))
	require.NoError(t, e.ImageBuild(ctx, engine.BuildSpec{
		Context: contextTar(t, map[string]string{"Dockerfile": "FROM scratch\n"}),
	}), "an untagged build is allowed")
	assert.Len(t, images(t, e), before+1)
}

func TestImageBuildFailures(t *testing.T) {
	for _, tc := range []struct {
		name     string
		files    map[string]string
		spec     engine.BuildSpec
		contains string
	}{
		{"no Dockerfile", map[string]string{"other": "FROM scratch"}, engine.BuildSpec{}, "Cannot locate specified Dockerfile: Dockerfile"},
		{"named Dockerfile missing", map[string]string{"Dockerfile": "FROM scratch"}, engine.BuildSpec{Dockerfile: "ci.Dockerfile"}, "Cannot locate specified Dockerfile: ci.Dockerfile"},
		{"uppercase tag", map[string]string{"Dockerfile": "FROM scratch\n"}, engine.BuildSpec{Tags: []string{"App:1"}}, "must be lowercase"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFake(t)
			before := images(t, e)
			tc.spec.Context = contextTar(t, tc.files)
			err := e.ImageBuild(t.Context(), tc.spec)
			require.ErrorIs(t, err, engine.ErrInvalid)
			assert.Contains(t, err.Error(), tc.contains)
			assert.Len(t, images(t, e), len(before), "a failed build creates no image")
		})
	}
}

func TestImageBuildBadContext(t *testing.T) {
	e := newFake(t)
	err := e.ImageBuild(t.Context(), engine.BuildSpec{Context: strings.NewReader(strings.Repeat("not a tar ", 100))})
	require.ErrorIs(t, err, engine.ErrInvalid)
	assert.Contains(t, err.Error(), "Error processing tar file")
	require.ErrorIs(t, e.ImageBuild(t.Context(), engine.BuildSpec{}), engine.ErrInvalid, "no context")
	assert.Equal(t, 2, e.Calls(engine.OpImageBuild))
}
