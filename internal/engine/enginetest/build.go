package enginetest

import (
	"archive/tar"
	"bytes"
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// buildTimeout bounds one build: a failing build must fail, not hang.
const buildTimeout = time.Minute

// testBuild: build an image FROM the harness image with a LABEL and an ENV
// fed by a build arg, plus the spec's labels; inspect it (by tag and ID); a
// container of it runs the test service with the built ENV; remove it.
func (s *suite) testBuild(t *testing.T, ctx context.Context) {
	base, err := s.e.ImageInspect(ctx, s.h.Image)
	require.NoError(t, err, "inspect harness image %s", s.h.Image)
	ref := s.imageRef("build")
	labels := s.labels()
	// The run ID in the Dockerfile keeps the daemon's build cache from
	// sharing layers with another run's build.
	dockerfile := "FROM " + s.h.Image + "\n" +
		"LABEL " + caseKey + ".run=" + s.run + "\n" +
		"ARG GREETING=unset\n" +
		"LABEL " + caseKey + ".greeting=$GREETING\n" +
		"ENV TESTSVC_LOG=built-${GREETING}\n" +
		"COPY note.txt /note.txt\n"
	t.Cleanup(func() { s.removeImage(t, ref) })
	bctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	err = s.e.ImageBuild(bctx, engine.BuildSpec{
		Context: buildContext(t, map[string]string{"Dockerfile": dockerfile, "note.txt": "built by enginetest\n"}),
		Tags:    []string{ref},
		Args:    map[string]*string{"GREETING": ptr("hi-" + s.run)},
		Labels:  labels,
	})
	require.NoError(t, err, "build %s", ref)

	im, err := s.e.ImageInspect(ctx, ref)
	require.NoError(t, err, "inspect built image")
	assert.NotEqual(t, base.ID, im.ID)
	assert.Contains(t, im.RepoTags, ref)
	want := maps.Clone(base.Labels)
	if want == nil {
		want = map[string]string{}
	}
	maps.Copy(want, labels)
	want[caseKey+".run"] = s.run
	want[caseKey+".greeting"] = "hi-" + s.run
	assert.Equal(t, want, im.Labels, "base labels, LABEL with the build arg, and the spec's labels")
	byID, err := s.e.ImageInspect(ctx, im.ID)
	require.NoError(t, err, "inspect built image by ID")
	assert.Equal(t, im.Labels, byID.Labels)

	spec := s.spec()
	spec.Image = ref
	id := s.startReady(t, ctx, spec)
	poll(t, ctx, readyTimeout, "the built ENV in the service's log", func() (bool, string) {
		out, err := s.e.ContainerLogs(ctx, id, engine.LogOptions{})
		if err != nil {
			return false, err.Error()
		}
		return strings.Contains(string(out), "built-hi-"+s.run), string(out)
	})
	s.removeContainer(t, spec.Name)
	require.NoError(t, s.e.ImageRemove(ctx, ref))
	_, err = s.e.ImageInspect(ctx, ref)
	requireKind(t, engine.ErrNotFound, err, "inspect removed built image")
}

// testBuildFailures: a bad instruction, a missing Dockerfile or COPY
// source are ErrInvalid, a missing base image is ErrNotFound naming it;
// each fails promptly with a message and tags nothing.
func (s *suite) testBuildFailures(t *testing.T, ctx context.Context) {
	missing := s.name("nobase") + ":none"
	for _, tc := range []struct {
		name       string
		files      map[string]string
		dockerfile string
		kind       error
		contains   string
	}{
		{"UnknownInstruction", map[string]string{"Dockerfile": "FROM " + s.h.Image + "\nBOGUS x\n"}, "", engine.ErrInvalid, "BOGUS"},
		{"NoDockerfile", map[string]string{"Dockerfile": "FROM scratch\n"}, "other.Dockerfile", engine.ErrInvalid, "other.Dockerfile"},
		{"MissingCopySource", map[string]string{"Dockerfile": "FROM scratch\nCOPY nothere /x\n"}, "", engine.ErrInvalid, "nothere"},
		{"MissingBase", map[string]string{"Dockerfile": "FROM " + missing + "\n"}, "", engine.ErrNotFound, missing},
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
			requireKind(t, tc.kind, err, "build "+tc.name)
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
