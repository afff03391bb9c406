package docker_test

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/itest"
)

// TestIntegrationBuildFailedRunRemovesItsContainer: a RUN step that exits
// non-zero fails the build with ErrInvalid, quoting the step, the exit code
// and the build output; the daemon keeps that step's container (the build
// removes intermediates only on success, and berth never asks for forced
// removal), so the adapter removes it, without force.
func TestIntegrationBuildFailedRunRemovesItsContainer(t *testing.T) {
	e, labels, name := setup(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	ref := strings.ToLower(name) + ":v1"
	t.Cleanup(func() { _ = ignoreNotFound(e.ImageRemove(context.Background(), ref)) })
	// RUN right after FROM: no step is committed before the failure, so the
	// failed build leaves no intermediate image.
	dockerfile := "FROM " + itest.Image(t, e) + "\nRUN [\"/testsvc\", \"--exit-code\", \"300\"]\n"
	err := e.ImageBuild(ctx, engine.BuildSpec{Context: contextTar(t, dockerfile), Tags: []string{ref}, Labels: labels})
	require.ErrorIs(t, err, engine.ErrInvalid)
	msg := err.Error()
	t.Logf("build error: %s", msg)
	assert.Contains(t, msg, "build image "+ref+`: step "RUN [\"/testsvc\", \"--exit-code\", \"300\"]" failed`)
	assert.Contains(t, msg, "non-zero code: 2")
	assert.Contains(t, msg, "parse number \"300\"", "the step's own output is quoted")
	assert.NotContains(t, msg, "remove intermediate container", "the removal succeeded")

	m := regexp.MustCompile(`Running in ([0-9a-f]{12})`).FindAllStringSubmatch(msg, -1)
	require.NotEmpty(t, m, "the output names the step's container")
	_, err = e.ContainerInspect(ctx, m[len(m)-1][1])
	require.ErrorIs(t, err, engine.ErrNotFound, "the failed step's container was removed")
	_, err = e.ImageInspect(ctx, ref)
	require.ErrorIs(t, err, engine.ErrNotFound, "a failed build tags nothing")
}

// TestIntegrationBuildAppliesTheDockerfile: a build FROM the test image
// with LABELs (one fed by a build arg), an ENV fed by the same arg and a
// COPY makes an image with the base's labels, the Dockerfile's and the
// spec's; a container of it runs the test service with the built ENV.
func TestIntegrationBuildAppliesTheDockerfile(t *testing.T) {
	e, labels, name := setup(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	image := itest.Image(t, e)
	base, err := e.ImageInspect(ctx, image)
	require.NoError(t, err)
	ref := strings.ToLower(name) + ":v1"
	t.Cleanup(func() { _ = ignoreNotFound(e.ImageRemove(context.Background(), ref)) })
	// The test's unique ID in the Dockerfile keeps the daemon's build cache
	// from sharing layers with another run's build.
	dockerfile := "FROM " + image + "\n" +
		"LABEL dev.berth.it.run=" + strconv.Quote(itest.ID(t)) + "\n" +
		"ARG GREETING=unset\n" +
		"LABEL dev.berth.it.greeting=$GREETING\n" +
		"ENV TESTSVC_LOG=built-${GREETING}\n" +
		"COPY note.txt /note.txt\n"
	greeting := "hi"
	err = e.ImageBuild(ctx, engine.BuildSpec{
		Context: contextFiles(t, map[string]string{"Dockerfile": dockerfile, "note.txt": "built by the integration test\n"}),
		Tags:    []string{ref},
		Args:    map[string]*string{"GREETING": &greeting},
		Labels:  labels,
	})
	require.NoError(t, err)

	im, err := e.ImageInspect(ctx, ref)
	require.NoError(t, err)
	want := maps.Clone(base.Labels)
	maps.Copy(want, labels)
	want["dev.berth.it.run"] = itest.ID(t)
	want["dev.berth.it.greeting"] = "hi"
	assert.Equal(t, want, im.Labels, "the base's labels, LABEL with the build arg, and the spec's labels")

	id, err := e.ContainerCreate(ctx, engine.ContainerSpec{Name: name, Image: ref, Labels: labels})
	require.NoError(t, err)
	require.NoError(t, e.ContainerStart(ctx, id))
	require.Eventually(t, func() bool {
		out, err := engine.Logs(ctx, e, id, engine.LogOptions{})
		return err == nil && strings.Contains(string(out), "built-hi")
	}, time.Minute, 100*time.Millisecond, "the built ENV in the service's log")
}

// TestIntegrationBuildFailuresAreClassified: an unknown instruction and a
// missing COPY source are ErrInvalid, a missing base image ErrNotFound
// naming it; each fails promptly with a message and tags nothing.
func TestIntegrationBuildFailuresAreClassified(t *testing.T) {
	e, labels, name := setup(t)
	image := itest.Image(t, e)
	missing := strings.ToLower(name) + "-nobase:none"
	for i, tc := range []struct {
		name       string
		dockerfile string
		kind       error
		contains   string
	}{
		{"UnknownInstruction", "FROM " + image + "\nBOGUS x\n", engine.ErrInvalid, "BOGUS"},
		{"MissingCopySource", "FROM scratch\nCOPY nothere /x\n", engine.ErrInvalid, "nothere"},
		{"MissingBase", "FROM " + missing + "\n", engine.ErrNotFound, missing},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref := fmt.Sprintf("%s-fail%d:v1", strings.ToLower(name), i)
			t.Cleanup(func() { _ = ignoreNotFound(e.ImageRemove(context.Background(), ref)) })
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			err := e.ImageBuild(ctx, engine.BuildSpec{Context: contextTar(t, tc.dockerfile), Tags: []string{ref}, Labels: labels})
			require.NoError(t, ctx.Err(), "the build must fail, not hang")
			require.ErrorIs(t, err, tc.kind)
			assert.Contains(t, err.Error(), tc.contains)
			_, err = e.ImageInspect(t.Context(), ref)
			require.ErrorIs(t, err, engine.ErrNotFound, "a failed build tags nothing")
		})
	}
}

// contextTar is a build context holding only the Dockerfile.
func contextTar(t *testing.T, dockerfile string) *bytes.Reader {
	t.Helper()
	return contextFiles(t, map[string]string{"Dockerfile": dockerfile})
}

// contextFiles is a build context holding files (path -> content).
func contextFiles(t *testing.T, files map[string]string) *bytes.Reader {
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
