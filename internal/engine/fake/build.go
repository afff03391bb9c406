package fake

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/berth-dev/berth/internal/engine"
)

// ImageBuild reads spec.Context (a tar) to the end and requires the
// Dockerfile (spec.Dockerfile, else "Dockerfile") to be in it; it reports
// itself as the classic builder on spec.Progress. A spec with only a
// context directory (spec.Dir) requires its Dockerfile to exist there. It neither
// parses nor runs the Dockerfile: the result is a new image tagged with
// spec.Tags and labelled with spec.Labels, whose size is the context's.
// There is no build cache: every build makes a new image ID.
//
// Errors follow the daemon: no context, an invalid tag, an unreadable tar
// or a missing Dockerfile are [engine.ErrInvalid]. What a Dockerfile does
// (bases, COPY sources, LABEL, ENV, targets) is only checked against the
// daemon, by the adapter's integration tests.
func (e *Engine) ImageBuild(ctx context.Context, spec engine.BuildSpec) error {
	const op = engine.OpImageBuild
	if err := e.begin(ctx, op); err != nil {
		return err
	}
	if spec.Progress != nil {
		spec.Progress(engine.BuildProgress{Builder: engine.BuilderClassic})
	}
	for _, t := range spec.Tags {
		if t == "" || repoOf(t) != strings.ToLower(repoOf(t)) {
			return errorf(op, engine.ErrInvalid, "build image: invalid tag %q: repository name must be lowercase", t)
		}
	}
	if spec.Context == nil && spec.Dir != "" {
		return e.buildFromDir(spec)
	}
	if spec.Context == nil {
		return errorf(op, engine.ErrInvalid, "build image: no build context")
	}
	want := "Dockerfile"
	if spec.Dockerfile != "" {
		want = path.Clean("/" + spec.Dockerfile)[1:]
	}
	size, found, err := readBuildContext(spec.Context, want)
	if err != nil {
		return errorf(op, engine.ErrInvalid, "build image: Error processing tar file: %w", err)
	}
	if !found {
		return errorf(op, engine.ErrInvalid, "build image: Cannot locate specified Dockerfile: %s", want)
	}
	e.storeBuilt(spec, size)
	return nil
}

// buildFromDir is a build from a context directory: its Dockerfile must
// exist on this host.
func (e *Engine) buildFromDir(spec engine.BuildSpec) error {
	df := spec.DockerfilePath
	if df == "" {
		df = filepath.Join(spec.Dir, "Dockerfile")
	}
	fi, err := os.Stat(df)
	if err != nil {
		return errorf(engine.OpImageBuild, engine.ErrInvalid, "build image: Cannot locate specified Dockerfile: %s", df)
	}
	e.storeBuilt(spec, fi.Size())
	return nil
}

// storeBuilt creates the image a build made.
func (e *Engine) storeBuilt(spec engine.BuildSpec, size int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	im := &image{id: "sha256:" + newHexID(), created: e.now(), size: size, labels: map[string]string{}}
	maps.Copy(im.labels, spec.Labels)
	e.images[im.id] = im
	for _, t := range spec.Tags {
		e.tagLocked(im, normalizeRef(t))
	}
}

// readBuildContext reads tar r to its end and reports the bytes of its
// files and whether it holds an entry named dockerfile.
func readBuildContext(r io.Reader, dockerfile string) (size int64, found bool, err error) {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return size, found, nil
		}
		if err != nil {
			return size, found, fmt.Errorf("read context: %w", err)
		}
		size += h.Size
		found = found || path.Clean("/" + h.Name)[1:] == dockerfile
	}
}

// repoOf is a reference without its tag or digest.
func repoOf(ref string) string {
	ref, _, _ = strings.Cut(ref, "@")
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		return ref[:i]
	}
	return ref
}
