package fake

import (
	"context"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

type image struct {
	id      string // "sha256:<hex>"
	tags    []string
	created time.Time
	tagged  time.Time // last pulled or tagged
	size    int64
	labels  map[string]string
	env     []string
}

func (im *image) view() engine.Image {
	return engine.Image{ID: im.id, RepoTags: slices.Clone(im.tags), Created: im.created, Size: im.size,
		Labels: maps.Clone(im.labels), LastTagTime: im.tagged}
}

// ImageImport reads rootfs to the end and tags a new image ref with it; an
// image that held ref before keeps its other tags or becomes dangling.
// LABEL and ENV changes are recorded; other valid instructions are accepted
// and ignored.
func (e *Engine) ImageImport(ctx context.Context, rootfs io.Reader, ref string, changes []string) error {
	const op = engine.OpImageImport
	if err := e.begin(ctx, op); err != nil {
		return err
	}
	labels, env, err := parseChanges(changes)
	if err != nil {
		return errorf(op, engine.ErrInvalid, "%w", err)
	}
	n, err := io.Copy(io.Discard, rootfs)
	if err != nil {
		return errorf(op, nil, "read rootfs: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	im := &image{id: "sha256:" + newHexID(), created: e.now(), size: n, labels: labels, env: env}
	e.images[im.id] = im
	e.emitImageLocked(im, "import")
	if ref != "" {
		e.tagLocked(im, normalizeRef(ref))
	}
	return nil
}

// tagLocked points tag at im, untagging the image that had it.
func (e *Engine) tagLocked(im *image, tag string) {
	if old, ok := e.images[e.tags[tag]]; ok {
		old.tags = slices.DeleteFunc(old.tags, func(t string) bool { return t == tag })
		e.emitImageLocked(old, "untag")
	}
	e.tags[tag] = im.id
	im.tags = append(im.tags, tag)
	im.tagged = e.now()
	e.emitImageLocked(im, "tag")
}

// ImageInspect finds an image by reference, full ID or unique ID prefix.
func (e *Engine) ImageInspect(ctx context.Context, ref string) (engine.Image, error) {
	if err := e.begin(ctx, engine.OpImageInspect); err != nil {
		return engine.Image{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	im, err := e.findImageLocked(engine.OpImageInspect, ref)
	if err != nil {
		return engine.Image{}, err
	}
	return im.view(), nil
}

// findImageLocked resolves ref as a tag, then a full ID, then an ID prefix.
func (e *Engine) findImageLocked(op engine.Op, ref string) (*image, error) {
	if id, ok := e.tags[normalizeRef(ref)]; ok {
		return e.images[id], nil
	}
	hex := strings.TrimPrefix(ref, "sha256:")
	var found []*image
	for id, im := range e.images {
		if hex != "" && strings.HasPrefix(strings.TrimPrefix(id, "sha256:"), hex) {
			found = append(found, im)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	return nil, errorf(op, engine.ErrNotFound, "No such image: %s", ref)
}

// normalizeRef adds ":latest" to a reference without tag or digest.
func normalizeRef(ref string) string {
	if strings.Contains(ref, "@") || strings.Contains(ref[strings.LastIndex(ref, "/")+1:], ":") {
		return ref
	}
	return ref + ":latest"
}

func (e *Engine) emitImageLocked(im *image, action string) {
	attrs := mergeLabels(im.labels, nil)
	if len(im.tags) > 0 {
		attrs["name"] = im.tags[0]
	}
	e.emit("image", action, im.id, attrs)
}
