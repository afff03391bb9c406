package docker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/containerd/errdefs/pkg/errhttp"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"

	"github.com/berth-dev/berth/internal/engine"
)

// ImageInspect returns one image, by reference or ID.
func (e *Engine) ImageInspect(ctx context.Context, ref string) (engine.Image, error) {
	res, err := e.cli.ImageInspect(ctx, ref)
	if err != nil {
		return engine.Image{}, wrap(engine.OpImageInspect, err)
	}
	img := engine.Image{ID: res.ID, RepoTags: res.RepoTags, Created: parseTime(res.Created), Size: res.Size,
		LastTagTime: res.Metadata.LastTagTime}
	if res.Config != nil {
		img.Labels = res.Config.Labels
	}
	return img, nil
}

// ImageRemove removes an image reference (untagging it; the image goes when
// no reference is left), with its untagged parents as "docker rmi" does. It
// never forces: an image used by a container is refused with an
// [engine.ErrConflict] error.
func (e *Engine) ImageRemove(ctx context.Context, ref string) error {
	_, err := e.cli.ImageRemove(ctx, ref, client.ImageRemoveOptions{PruneChildren: true})
	return wrap(engine.OpImageRemove, err)
}

// ImageImport creates image ref from a tarball of a root filesystem (what
// "docker import" does), applying Dockerfile-style changes such as
// `ENTRYPOINT ["/testsvc"]`. It returns once the daemon has finished.
func (e *Engine) ImageImport(ctx context.Context, rootfs io.Reader, ref string, changes []string) error {
	const op = engine.OpImageImport
	if _, err := reference.ParseNormalizedNamed(ref); err != nil {
		return engine.Wrap(op, engine.ErrInvalid, fmt.Errorf("import image %q: %w", ref, err))
	}
	rc, err := e.cli.ImageImport(ctx, client.ImageImportSource{Source: rootfs, SourceName: "-"}, ref,
		client.ImageImportOptions{Changes: changes})
	if err != nil {
		return wrap(op, err)
	}
	defer rc.Close()
	if err := drainProgress(rc); err != nil {
		return wrap(op, fmt.Errorf("import image %q: %w", ref, err))
	}
	return nil
}

// drainProgress reads a daemon progress stream (JSON messages) to its end
// and returns the first error it reports.
func drainProgress(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var m struct {
			jsonstream.Message
			ErrorText string `json:"error"`
		}
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read progress: %w", err)
		}
		switch {
		case m.Error != nil && m.Error.Code >= 400:
			return &statusError{msg: m.Error.Message, class: errhttp.ToNative(m.Error.Code)}
		case m.Error != nil:
			return errors.New(m.Error.Message)
		case m.ErrorText != "":
			return errors.New(m.ErrorText)
		}
	}
}

// BuildCachePrune removes unused build cache: with opts.All everything not
// in use, else only the daemon's default selection (dangling records).
//
// Build cache records carry no labels, and Docker 20.10 (API 1.41) answers a
// prune with an unknown "label" filter with 200 and ignores it, which would
// prune cache berth does not own. So a prune restricted by opts.Labels is
// refused with an [engine.ErrInvalid] error before any Docker call.
func (e *Engine) BuildCachePrune(ctx context.Context, opts engine.PruneOptions) (engine.PruneReport, error) {
	const op = engine.OpBuildCachePrune
	if len(opts.Labels) > 0 {
		return engine.PruneReport{}, engine.Wrap(op, engine.ErrInvalid,
			errors.New("prune build cache: build cache records carry no labels, so a label-restricted prune cannot be honoured; prune without labels (a global prune) instead"))
	}
	res, err := e.cli.BuildCachePrune(ctx, client.BuildCachePruneOptions{All: opts.All})
	if err != nil {
		return engine.PruneReport{}, wrap(op, err)
	}
	return engine.PruneReport{Deleted: res.Report.CachesDeleted, SpaceReclaimed: int64(res.Report.SpaceReclaimed)}, nil
}
