package image

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/berth-dev/berth/internal/engine"
)

func TestRootfsHoldsOnlyTheBinary(t *testing.T) {
	tarball, err := Rootfs([]byte("binary"))
	require.NoError(t, err)
	tr := tar.NewReader(bytes.NewReader(tarball))
	hdr, err := tr.Next()
	require.NoError(t, err)
	assert.Equal(t, "testsvc", hdr.Name)
	assert.Equal(t, byte(tar.TypeReg), hdr.Typeflag)
	assert.Equal(t, int64(0o755), hdr.Mode)
	assert.Equal(t, 0, hdr.Uid)
	body, err := io.ReadAll(tr)
	require.NoError(t, err)
	assert.Equal(t, "binary", string(body))
	_, err = tr.Next()
	assert.Equal(t, io.EOF, err)
}

func TestRef(t *testing.T) {
	a := Ref([]byte("a"))
	assert.Regexp(t, `^berth-testsvc:[0-9a-f]{12}$`, a)
	assert.Equal(t, a, Ref([]byte("a")))
	assert.NotEqual(t, a, Ref([]byte("b")))
}

func TestModuleRoot(t *testing.T) {
	root, err := ModuleRoot(t.Context())
	require.NoError(t, err)
	assert.FileExists(t, filepath.Join(root, "internal", "testsvc", "image", "ensure.go"))
}

func TestDeclaresModule(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "go.mod")
	require.NoError(t, os.WriteFile(other, []byte("// x\nmodule example.com/other\n"), 0o644))
	assert.False(t, declaresModule(other))
	require.NoError(t, os.WriteFile(other, []byte("module "+Module+"\n\ngo 1.26\n"), 0o644))
	assert.True(t, declaresModule(other))
	assert.False(t, declaresModule(filepath.Join(dir, "missing")))
}

// fakeImages is an engine with only the calls Ensure makes.
type fakeImages struct {
	engine.Engine // nil: any other call panics
	os            string
	inspectErr    error

	mu      sync.Mutex
	images  map[string]bool
	imports int
	changes []string
	rootfs  []byte
}

func (f *fakeImages) Version(context.Context) (engine.Version, error) {
	return engine.Version{OS: f.os, Arch: ""}, nil
}

func (f *fakeImages) ImageInspect(_ context.Context, ref string) (engine.Image, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.inspectErr != nil {
		return engine.Image{}, f.inspectErr
	}
	if !f.images[ref] {
		return engine.Image{}, engine.Wrap(engine.OpImageInspect, engine.ErrNotFound, errors.New("no such image"))
	}
	return engine.Image{RepoTags: []string{ref}}, nil
}

func (f *fakeImages) ImageImport(_ context.Context, r io.Reader, ref string, changes []string) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.images == nil {
		f.images = map[string]bool{}
	}
	f.images[ref] = true
	f.imports++
	f.changes, f.rootfs = changes, b
	return nil
}

func TestEnsureImportsOnceAcrossConcurrentCalls(t *testing.T) {
	f := &fakeImages{os: "linux"}
	refs := make([]string, 3)
	var wg sync.WaitGroup
	for i := range refs {
		wg.Go(func() {
			ref, err := Ensure(t.Context(), f, nil)
			assert.NoError(t, err)
			refs[i] = ref
		})
	}
	wg.Wait()
	assert.Equal(t, 1, f.imports, "one import for one content")
	assert.Equal(t, refs[0], refs[1])
	assert.Equal(t, refs[0], refs[2])
	assert.Regexp(t, `^berth-testsvc:[0-9a-f]{12}$`, refs[0])
	assert.Equal(t, []string{`ENTRYPOINT ["/testsvc"]`, `LABEL dev.berth.test-image=1`}, f.changes)

	tr := tar.NewReader(bytes.NewReader(f.rootfs))
	hdr, err := tr.Next()
	require.NoError(t, err)
	assert.Equal(t, "testsvc", hdr.Name)
	bin, err := io.ReadAll(tr)
	require.NoError(t, err)
	assert.Equal(t, []byte("\x7fELF"), bin[:4], "a linux binary")
	assert.Equal(t, refs[0], Ref(bin), "tag is the hash of the imported binary")

	ref, err := Ensure(t.Context(), f, nil)
	require.NoError(t, err)
	assert.Equal(t, refs[0], ref)
	assert.Equal(t, 1, f.imports, "present image is reused: the build is reproducible")
}

func TestEnsureErrors(t *testing.T) {
	_, err := Ensure(t.Context(), &fakeImages{os: "windows"}, nil)
	assert.ErrorContains(t, err, "needs linux")

	boom := engine.Wrap(engine.OpImageInspect, engine.ErrUnavailable, errors.New("daemon gone"))
	_, err = Ensure(t.Context(), &fakeImages{os: "linux", inspectErr: boom}, nil)
	require.ErrorIs(t, err, engine.ErrUnavailable)
	assert.ErrorContains(t, err, "inspect test image")
}
