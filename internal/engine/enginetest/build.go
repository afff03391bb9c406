package enginetest

import (
	"archive/tar"
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// buildTimeout bounds one build: a failing build must fail, not hang.
const buildTimeout = time.Minute

// testBuild: a build from a Dockerfile at a path of the spec's choosing
// makes a new image with every tag of the spec and the spec's labels; a
// container of it runs the test service; removing both tags removes it.
// What the Dockerfile's instructions do is the daemon's business, checked
// by the adapter's integration tests: the fake does not parse them.
func (s *suite) testBuild(t *testing.T, ctx context.Context) {
	base, err := s.e.ImageInspect(ctx, s.h.Image)
	require.NoError(t, err, "inspect harness image %s", s.h.Image)
	ref, alias := s.imageRef("build"), s.imageRef("build")
	labels := s.labels()
	t.Cleanup(func() { s.removeImage(t, ref); s.removeImage(t, alias) })
	bctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	err = s.e.ImageBuild(bctx, engine.BuildSpec{
		Context:    buildContext(t, map[string]string{"ci/app.Dockerfile": "FROM " + s.h.Image + "\n"}),
		Dockerfile: "ci/app.Dockerfile",
		Tags:       []string{ref, alias},
		Labels:     labels,
	})
	require.NoError(t, err, "build %s", ref)

	im, err := s.e.ImageInspect(ctx, ref)
	require.NoError(t, err, "inspect built image")
	assert.NotEqual(t, base.ID, im.ID)
	assert.Subset(t, im.RepoTags, []string{ref, alias})
	assertLabels(t, labels, im.Labels)
	byAlias, err := s.e.ImageInspect(ctx, alias)
	require.NoError(t, err, "inspect built image by its second tag")
	assert.Equal(t, im.ID, byAlias.ID)

	spec := s.spec()
	spec.Image = ref
	s.startReady(t, ctx, spec)
	s.removeContainer(t, spec.Name)
	require.NoError(t, s.e.ImageRemove(ctx, ref))
	require.NoError(t, s.e.ImageRemove(ctx, alias))
	_, err = s.e.ImageInspect(ctx, im.ID)
	requireKind(t, engine.ErrNotFound, err, "inspect removed built image")
}

// testBuildFailures: a context without the Dockerfile (the default name or
// the spec's) is ErrInvalid naming it; the build fails promptly and tags
// nothing.
func (s *suite) testBuildFailures(t *testing.T, ctx context.Context) {
	for _, tc := range []struct {
		name       string
		files      map[string]string
		dockerfile string
		contains   string
	}{
		{"NoDockerfile", map[string]string{"README": "no Dockerfile here\n"}, "", "Dockerfile"},
		{"NoNamedDockerfile", map[string]string{"Dockerfile": "FROM scratch\n"}, "other.Dockerfile", "other.Dockerfile"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref := s.imageRef("fail")
			t.Cleanup(func() { s.removeImage(t, ref) })
			bctx, cancel := context.WithTimeout(ctx, buildTimeout)
			defer cancel()
			err := s.e.ImageBuild(bctx, engine.BuildSpec{
				Context: buildContext(t, tc.files), Dockerfile: tc.dockerfile, Tags: []string{ref}, Labels: s.labels(),
			})
			require.NoError(t, bctx.Err(), "the build must fail, not hang")
			requireKind(t, engine.ErrInvalid, err, "build "+tc.name)
			assert.Contains(t, err.Error(), tc.contains)
			_, err = s.e.ImageInspect(ctx, ref)
			requireKind(t, engine.ErrNotFound, err, "a failed build tags nothing")
		})
	}
}

// buildContext is a tar of files (path -> content).
func buildContext(t *testing.T, files map[string]string) *bytes.Reader {
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
