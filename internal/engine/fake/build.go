package fake

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/berth-dev/berth/internal/engine"
)

// buildContext is what the fake reads from a build context tar.
type buildContext struct {
	files      map[string]bool // cleaned paths of every entry and its parents
	dockerfile []byte
	found      bool
	size       int64
}

// ImageBuild reads spec.Context (a tar) to the end, finds the Dockerfile
// (spec.Dockerfile, else "Dockerfile") in it and "builds" it without
// running anything: every stage up to spec.Target (else the last) must
// start FROM "scratch", an earlier stage or an existing image, and its
// COPY/ADD sources must be in the context. The result is a new image
// tagged with spec.Tags, carrying its base's labels and ENV, the stage's
// LABEL and ENV (build args substituted) and spec.Labels. There is no build
// cache: every build makes a new image ID.
//
// Errors follow the daemon: a missing Dockerfile, an unknown instruction,
// an unknown target, a missing COPY source or an unreadable tar are
// [engine.ErrInvalid]; a base image that does not exist is
// [engine.ErrNotFound] ("pull access denied", as a daemon with a registry
// answers).
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
	want := path.Clean("/" + spec.Dockerfile)[1:]
	if spec.Dockerfile == "" {
		want = "Dockerfile"
	}
	bc, err := readBuildContext(spec.Context, want)
	if err != nil {
		return errorf(op, engine.ErrInvalid, "build image: Error processing tar file: %w", err)
	}
	if !bc.found {
		return errorf(op, engine.ErrInvalid, "build image: Cannot locate specified Dockerfile: %s", want)
	}
	stages, err := parseDockerfile(string(bc.dockerfile), spec.Args)
	if err != nil {
		return errorf(op, engine.ErrInvalid, "build image: %w", err)
	}
	if spec.Target != "" {
		i := slices.IndexFunc(stages, func(s stage) bool { return s.name == strings.ToLower(spec.Target) })
		if i < 0 {
			return errorf(op, engine.ErrInvalid, "build image: failed to reach build target %s in Dockerfile", spec.Target)
		}
		stages = stages[:i+1]
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	built, err := e.resolveStagesLocked(op, stages, bc)
	if err != nil {
		return err
	}
	maps.Copy(built.labels, spec.Labels)
	built.id, built.created = "sha256:"+newHexID(), e.now()
	built.size += bc.size
	e.images[built.id] = built
	for _, t := range spec.Tags {
		e.tagLocked(built, normalizeRef(t))
	}
	return nil
}

// resolveStagesLocked checks every stage's base and COPY sources in order
// and returns the last stage as an image (without ID or tags).
func (e *Engine) resolveStagesLocked(op engine.Op, stages []stage, bc buildContext) (*image, error) {
	done := map[string]*image{} // stage name -> result
	var last *image
	for _, st := range stages {
		cur := &image{labels: map[string]string{}}
		if prev, ok := done[strings.ToLower(st.base)]; ok {
			cur.labels, cur.env, cur.size = maps.Clone(prev.labels), slices.Clone(prev.env), prev.size
		} else if st.base != "scratch" {
			base, err := e.findImageLocked(op, st.base)
			if err != nil {
				return nil, errorf(op, engine.ErrNotFound,
					"build image: base image %s not found: pull access denied for %s, repository does not exist or may require 'docker login'",
					st.base, repoOf(st.base))
			}
			cur.labels, cur.env, cur.size = maps.Clone(base.labels), slices.Clone(base.env), base.size
		}
		for _, src := range st.copies {
			if !bc.files[path.Clean("/" + src)[1:]] {
				return nil, errorf(op, engine.ErrInvalid,
					"build image: COPY failed: file not found in build context or excluded by .dockerignore: stat %s: file does not exist", src)
			}
		}
		if cur.labels == nil {
			cur.labels = map[string]string{}
		}
		maps.Copy(cur.labels, st.labels)
		cur.env = append(cur.env, st.env...)
		if st.name != "" {
			done[st.name] = cur
		}
		last = cur
	}
	return last, nil
}

// readBuildContext reads tar r to its end, keeping the Dockerfile named want.
func readBuildContext(r io.Reader, want string) (buildContext, error) {
	bc := buildContext{files: map[string]bool{"": true, ".": true}}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return bc, nil
		}
		if err != nil {
			return bc, fmt.Errorf("read context: %w", err)
		}
		name := path.Clean("/" + h.Name)[1:]
		for p := name; p != "" && p != "."; p = path.Dir(p) {
			bc.files[p] = true
			if !strings.Contains(p, "/") {
				break
			}
		}
		bc.size += h.Size
		if name == want && h.Typeflag != tar.TypeDir {
			data, err := io.ReadAll(tr)
			if err != nil {
				return bc, fmt.Errorf("read context %s: %w", name, err)
			}
			bc.dockerfile, bc.found = data, true
		}
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
