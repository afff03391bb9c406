package fake

import (
	"context"
	"fmt"
	"strings"

	"github.com/berth-dev/berth/internal/engine"
)

// registry is what the fake's "registries" hold: references that
// [Engine.ImagePull] can pull, with their size.
type registry struct {
	images map[string]int64 // normalised ref -> bytes
}

// Publish makes ref pullable, as if pushed to its registry, with a layer
// of size bytes. Pulls of anything else fail with [engine.ErrNotFound].
func (e *Engine) Publish(ref string, size int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.registry.images == nil {
		e.registry.images = map[string]int64{}
	}
	e.registry.images[normalizeRef(ref)] = size
}

// ImagePull pulls a [Engine.Publish]ed reference: a new image tagged ref
// (the one that held the tag before keeps its other tags or becomes
// dangling, as with the daemon), with progress for its one layer and a
// "pull" image event. It reads no credentials: registry authentication is
// the adapter's, and tests inject an auth failure with [Engine.FailNext]
// and [engine.ErrAuth].
func (e *Engine) ImagePull(ctx context.Context, ref string, opts engine.PullOptions, progress func(engine.PullProgress)) error {
	const op = engine.OpImagePull
	if err := e.begin(ctx, op); err != nil {
		return err
	}
	if opts.Platform != "" && strings.Count(opts.Platform, "/") == 0 {
		return errorf(op, engine.ErrInvalid, "platform %q: want os/arch[/variant]", opts.Platform)
	}
	tag := normalizeRef(ref)
	e.mu.Lock()
	size, ok := e.registry.images[tag]
	e.mu.Unlock()
	if !ok {
		return errorf(op, engine.ErrNotFound, "pull %s: manifest for %s not found: manifest unknown", ref, tag)
	}
	layer := newHexID()[:12]
	report := func(status string, cur int64) {
		if progress != nil {
			progress(engine.PullProgress{Layer: layer, Status: status, Current: cur, Total: size})
		}
	}
	report("Pulling fs layer", 0)
	report("Downloading", size/2)
	report("Download complete", size)
	report("Pull complete", size)
	e.mu.Lock()
	im := &image{id: "sha256:" + newHexID(), created: e.now(), size: size, labels: map[string]string{}}
	e.images[im.id] = im
	e.tagLocked(im, tag)
	e.emit("image", "pull", tag, map[string]string{"name": tag})
	e.mu.Unlock()
	if progress != nil {
		progress(engine.PullProgress{Status: fmt.Sprintf("Status: Downloaded newer image for %s", tag)})
	}
	return nil
}
