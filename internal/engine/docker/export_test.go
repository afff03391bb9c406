package docker

import (
	"context"
	"log/slog"

	"github.com/moby/moby/client"

	"github.com/berth-dev/berth/internal/engine"
)

// LabelledImages lists the images carrying every label of labels, through
// the SDK directly: the engine has no image list, since nothing in berth
// needs one, but the integration tests' sweep does. e must be an *Engine.
func LabelledImages(ctx context.Context, e engine.Engine, labels map[string]string) ([]engine.Image, error) {
	res, err := e.(*Engine).cli.ImageList(ctx, client.ImageListOptions{Filters: labelFilters(labels)})
	if err != nil {
		return nil, err
	}
	out := make([]engine.Image, 0, len(res.Items))
	for _, i := range res.Items {
		out = append(out, engine.Image{ID: i.ID, RepoTags: i.RepoTags, Labels: i.Labels})
	}
	return out, nil
}

// SetLogger replaces e's logger (e must be an *Engine), for tests that
// read what the engine warns about.
func SetLogger(e engine.Engine, log *slog.Logger) { e.(*Engine).log = log }
