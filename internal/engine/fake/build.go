package fake

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path"
	"strings"

	"github.com/berth-dev/berth/internal/engine"
)

// ImageBuild reads spec.Context (a tar) to the end and requires the
// Dockerfile (spec.Dockerfile, else "Dockerfile") to be in it. It neither
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
	if spec.Context == nil {
		return errorf(op, engine.ErrInvalid, "build image: no build context")
	}
	for _, t := range spec.Tags {
		if t == "" || repoOf(t) != strings.ToLower(repoOf(t)) {
			return errorf(op, engine.ErrInvalid, "build image: invalid tag %q: repository name must be lowercase", t)
		}
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
	e.mu.Lock()
	defer e.mu.Unlock()
	im := &image{id: "sha256:" + newHexID(), created: e.now(), size: size, labels: map[string]string{}}
	maps.Copy(im.labels, spec.Labels)
	e.images[im.id] = im
	for _, t := range spec.Tags {
		e.tagLocked(im, normalizeRef(t))
	}
	return nil
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
