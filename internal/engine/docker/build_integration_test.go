package docker_test

import (
	"archive/tar"
	"bytes"
	"context"
	"regexp"
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

// contextTar is a build context holding only the Dockerfile.
func contextTar(t *testing.T, dockerfile string) *bytes.Reader {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "Dockerfile", Mode: 0o644, Size: int64(len(dockerfile))}))
	_, err := tw.Write([]byte(dockerfile))
	require.NoError(t, err)
	require.NoError(t, tw.Close())
	return bytes.NewReader(buf.Bytes())
}
