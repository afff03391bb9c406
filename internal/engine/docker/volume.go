package docker

import (
	"context"

	"github.com/moby/moby/api/types/volume"
	"github.com/moby/moby/client"

	"github.com/berth-dev/berth/internal/engine"
)

// VolumeCreate creates a volume (the daemon picks a name when spec.Name is
// ""). Creating an existing name returns that volume, as the daemon does.
func (e *Engine) VolumeCreate(ctx context.Context, spec engine.VolumeSpec) (engine.Volume, error) {
	res, err := e.cli.VolumeCreate(ctx, client.VolumeCreateOptions{Name: spec.Name, Driver: spec.Driver, Labels: spec.Labels})
	if err != nil {
		return engine.Volume{}, wrap(engine.OpVolumeCreate, err)
	}
	return volumeFrom(res.Volume), nil
}

// VolumeList lists volumes matching f's labels and name.
func (e *Engine) VolumeList(ctx context.Context, f engine.ListFilter) ([]engine.Volume, error) {
	res, err := e.cli.VolumeList(ctx, client.VolumeListOptions{Filters: listFilters(f)})
	if err != nil {
		return nil, wrap(engine.OpVolumeList, err)
	}
	out := make([]engine.Volume, 0, len(res.Items))
	for _, v := range res.Items {
		out = append(out, volumeFrom(v))
	}
	return out, nil
}

// VolumeRemove removes a volume. It never forces: the daemon refuses a
// volume in use with an [engine.ErrConflict] error.
func (e *Engine) VolumeRemove(ctx context.Context, name string) error {
	_, err := e.cli.VolumeRemove(ctx, name, client.VolumeRemoveOptions{})
	return wrap(engine.OpVolumeRemove, err)
}

func volumeFrom(v volume.Volume) engine.Volume {
	return engine.Volume{Name: v.Name, Driver: v.Driver, CreatedAt: parseTime(v.CreatedAt), Labels: v.Labels}
}
