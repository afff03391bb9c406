package fake

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// volume is one volume; guarded by Engine.mu.
type volume struct {
	name    string
	driver  string
	labels  map[string]string
	created time.Time
}

func (v *volume) view() engine.Volume {
	return engine.Volume{Name: v.name, Driver: v.driver, CreatedAt: v.created, Labels: maps.Clone(v.labels)}
}

// VolumeCreate creates a volume; name "" gets a generated 64-hex name. An
// existing volume of that name is returned as it is (the daemon does the
// same), unless its driver differs: ErrConflict.
func (e *Engine) VolumeCreate(ctx context.Context, spec engine.VolumeSpec) (engine.Volume, error) {
	const op = engine.OpVolumeCreate
	if err := e.begin(ctx, op); err != nil {
		return engine.Volume{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	driver := firstNonEmpty(spec.Driver, "local")
	if v, ok := e.volumes[spec.Name]; ok {
		if v.driver != driver {
			return engine.Volume{}, errorf(op, engine.ErrConflict, "volume name %s already in use with driver %s", v.name, v.driver)
		}
		return v.view(), nil
	}
	return e.createVolumeLocked(spec.Name, driver, spec.Labels).view(), nil
}

// VolumeList lists volumes matching f's labels, sorted by name.
func (e *Engine) VolumeList(ctx context.Context, f engine.ListFilter) ([]engine.Volume, error) {
	if err := e.begin(ctx, engine.OpVolumeList); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []engine.Volume
	for _, v := range e.volumes {
		if matchLabels(v.labels, f.Labels) && strings.Contains(v.name, f.Name) {
			out = append(out, v.view())
		}
	}
	slices.SortFunc(out, func(a, b engine.Volume) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// VolumeRemove removes a volume no container (in any state) mounts; one in
// use is ErrConflict.
func (e *Engine) VolumeRemove(ctx context.Context, name string) error {
	const op = engine.OpVolumeRemove
	if err := e.begin(ctx, op); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	v, ok := e.volumes[name]
	if !ok {
		return errorf(op, engine.ErrNotFound, "get %s: no such volume", name)
	}
	if c := e.volumeUserLocked(name); c != nil {
		return errorf(op, engine.ErrConflict, "remove %s: volume is in use - [%s]", name, c.id)
	}
	e.deleteVolumeLocked(v)
	return nil
}

func (e *Engine) createVolumeLocked(name, driver string, labels map[string]string) *volume {
	if name == "" {
		name = newHexID()
	}
	v := &volume{name: name, driver: driver, labels: mergeLabels(nil, labels), created: e.now()}
	e.volumes[name] = v
	e.emit("volume", "create", name, map[string]string{"driver": driver})
	return v
}

func (e *Engine) deleteVolumeLocked(v *volume) {
	delete(e.volumes, v.name)
	e.emit("volume", "destroy", v.name, map[string]string{"driver": v.driver})
}

// mountVolumesLocked records a new container's mounts, creating named
// volumes that do not exist and one anonymous volume per unnamed mount.
func (e *Engine) mountVolumesLocked(c *container, mounts []engine.Mount) {
	for _, m := range mounts {
		if m.Type == "volume" {
			if m.Source == "" {
				m.Source = e.createVolumeLocked("", "local", nil).name
				c.anon = append(c.anon, m.Source)
			} else if _, ok := e.volumes[m.Source]; !ok {
				e.createVolumeLocked(m.Source, "local", nil)
			}
		}
		c.mounts = append(c.mounts, m)
	}
}

// volumeUserLocked returns a container that mounts volume name, or nil.
func (e *Engine) volumeUserLocked(name string) *container {
	for _, c := range e.containers {
		for _, m := range c.mounts {
			if m.Type == "volume" && m.Source == name {
				return c
			}
		}
	}
	return nil
}
