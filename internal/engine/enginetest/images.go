package enginetest

import (
	"archive/tar"
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

// testImages: the harness image exists; import a tiny labelled image and
// inspect it; it cannot be removed while a container uses it, and can be
// afterwards.
func (s *suite) testImages(t *testing.T, ctx context.Context) {
	base, err := s.e.ImageInspect(ctx, s.h.Image)
	require.NoError(t, err, "inspect harness image %s", s.h.Image)
	assert.NotEmpty(t, base.ID)

	ref := s.imageRef("img")
	labels := s.labels()
	t.Cleanup(func() { s.removeImage(t, ref) })
	require.NoError(t, s.e.ImageImport(ctx, bytes.NewReader(tinyRootfs(t)), ref,
		[]string{"LABEL " + LabelKey + "=" + s.run + " " + caseKey + "=" + labels[caseKey], `CMD ["/hello.txt"]`}))
	im, err := s.e.ImageInspect(ctx, ref)
	require.NoError(t, err)
	assert.NotEmpty(t, im.ID)
	assert.Contains(t, im.RepoTags, ref)
	assertLabels(t, labels, im.Labels)
	byID, err := s.e.ImageInspect(ctx, im.ID)
	require.NoError(t, err, "inspect by ID")
	assert.Contains(t, byID.RepoTags, ref, "the same image")

	spec := s.spec()
	spec.Image = ref
	cid := s.create(t, ctx, spec)
	err = s.e.ImageRemove(ctx, ref)
	requireKind(t, engine.ErrConflict, err, "remove an image a container uses")
	require.NoError(t, s.e.ContainerRemove(ctx, cid, engine.RemoveOptions{}))
	require.NoError(t, s.e.ImageRemove(ctx, ref))
	_, err = s.e.ImageInspect(ctx, ref)
	requireKind(t, engine.ErrNotFound, err, "inspect removed image")
}

// tinyRootfs is a tar with one small file.
func tinyRootfs(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	body := []byte("hello from berth enginetest\n")
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "hello.txt", Mode: 0o644, Size: int64(len(body))}))
	_, err := tw.Write(body)
	require.NoError(t, err)
	require.NoError(t, tw.Close())
	return buf.Bytes()
}
