package fake

import (
	"context"
	"slices"

	"github.com/berth-dev/berth/internal/engine"
)

// ImageRemove removes a tag, or the image when ref is its last tag or its
// ID. An image any container (running or not) was created from is refused
// with ErrConflict, as the daemon does without force.
func (e *Engine) ImageRemove(ctx context.Context, ref string) error {
	const op = engine.OpImageRemove
	if err := e.begin(ctx, op); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	im, err := e.findImageLocked(op, ref)
	if err != nil {
		return err
	}
	tag := normalizeRef(ref)
	if len(im.tags) > 1 && slices.Contains(im.tags, tag) {
		im.tags = slices.DeleteFunc(im.tags, func(t string) bool { return t == tag })
		delete(e.tags, tag)
		e.emitImageLocked(im, "untag")
		return nil
	}
	if c := e.imageUserLocked(im.id); c != nil {
		return errorf(op, engine.ErrConflict,
			"conflict: unable to remove repository reference %q (must force) - container %s is using its referenced image %s",
			ref, c.id[:12], im.id[7:19])
	}
	e.deleteImageLocked(im)
	return nil
}

// BuildCachePrune reports nothing removed: the fake has no build cache.
func (e *Engine) BuildCachePrune(ctx context.Context, _ engine.PruneOptions) (engine.PruneReport, error) {
	if err := e.begin(ctx, engine.OpBuildCachePrune); err != nil {
		return engine.PruneReport{}, err
	}
	return engine.PruneReport{}, nil
}

func (e *Engine) deleteImageLocked(im *image) {
	for _, t := range im.tags {
		delete(e.tags, t)
	}
	if len(im.tags) > 0 {
		e.emitImageLocked(im, "untag")
	}
	delete(e.images, im.id)
	e.emitImageLocked(im, "delete")
}

// imageUserLocked returns a container created from image id, or nil.
func (e *Engine) imageUserLocked(id string) *container {
	for _, c := range e.containers {
		if c.imageID == id {
			return c
		}
	}
	return nil
}
