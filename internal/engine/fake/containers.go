package fake

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/berth-dev/berth/internal/engine"
)

// ContainerCreate creates a container in state "created". Errors: unknown
// image → ErrNotFound; name in use → ErrConflict; bad name, no image, or a
// network mode with networks → ErrInvalid. Settings the daemon reports
// back (tty, sysctls, capabilities...) are kept for inspect. Networks are resolved at start, as Docker 20.10 does: a
// missing or ambiguous network fails ContainerStart, not create. Named
// volumes that do not exist are created; anonymous ones get a generated
// name.
func (e *Engine) ContainerCreate(ctx context.Context, spec engine.ContainerSpec) (string, error) {
	const op = engine.OpContainerCreate
	if err := e.begin(ctx, op); err != nil {
		return "", err
	}
	if spec.Image == "" {
		return "", errorf(op, engine.ErrInvalid, "no image specified")
	}
	if spec.Name != "" && !validName(spec.Name) {
		return "", errorf(op, engine.ErrInvalid, "Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", spec.Name)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	im, err := e.findImageLocked(op, spec.Image)
	if err != nil {
		return "", err
	}
	id := newHexID()
	name := strings.TrimPrefix(spec.Name, "/")
	if name == "" {
		name = "fake_" + id[:12]
	}
	for _, o := range e.containers {
		if o.name == name {
			return "", errorf(op, engine.ErrConflict,
				"Conflict. The container name %q is already in use by container %q. You have to remove (or rename) that container to be able to reuse that name.", "/"+name, o.id)
		}
	}
	c := &container{
		id: id, name: name, spec: cloneSpec(spec), imageID: im.id,
		env: mergeEnv(im.env, spec.Env), labels: mergeLabels(im.labels, spec.Labels),
		created: e.now(), state: engine.ContainerState{Status: "created"},
	}
	if err := e.setNetworkingLocked(op, c, spec); err != nil {
		return "", err
	}
	e.mountVolumesLocked(c, spec.Mounts)
	e.containers[id] = c
	e.emitContainerLocked(c, "create", nil)
	return id, nil
}

// ContainerInspect returns the container's full state.
func (e *Engine) ContainerInspect(ctx context.Context, id string) (engine.Container, error) {
	if err := e.begin(ctx, engine.OpContainerInspect); err != nil {
		return engine.Container{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.findContainerLocked(engine.OpContainerInspect, id)
	if err != nil {
		return engine.Container{}, err
	}
	return e.viewLocked(c), nil
}

// ContainerList lists running containers (all with f.All) matching f's
// labels and name substring, newest first.
func (e *Engine) ContainerList(ctx context.Context, f engine.ListFilter) ([]engine.ContainerSummary, error) {
	if err := e.begin(ctx, engine.OpContainerList); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []engine.ContainerSummary
	for _, c := range e.containers {
		if (!f.All && !c.state.Running) || !matchLabels(c.labels, f.Labels) || !strings.Contains(c.name, f.Name) {
			continue
		}
		out = append(out, e.summaryLocked(c))
	}
	slices.SortFunc(out, func(a, b engine.ContainerSummary) int { return b.Created.Compare(a.Created) })
	return out, nil
}

// ContainerRemove removes a container that is not running; a running one
// is refused with ErrConflict and left untouched. opts.Volumes also removes
// its anonymous volumes that no other container uses.
func (e *Engine) ContainerRemove(ctx context.Context, id string, opts engine.RemoveOptions) error {
	const op = engine.OpContainerRemove
	if err := e.begin(ctx, op); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.findContainerLocked(op, id)
	if err != nil {
		return err
	}
	if c.state.Running {
		return errorf(op, engine.ErrConflict,
			"You cannot remove a running container %s. Stop the container before attempting removal or force remove", c.id)
	}
	delete(e.containers, c.id)
	e.emitContainerLocked(c, "destroy", nil)
	if opts.Volumes {
		for _, v := range c.anon {
			if vol, ok := e.volumes[v]; ok && e.volumeUserLocked(v) == nil {
				e.deleteVolumeLocked(vol)
			}
		}
	}
	return nil
}

// validName reports whether the daemon accepts name as a container name.
func validName(name string) bool {
	return regexp.MustCompile(`^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$`).MatchString(name)
}

// cloneSpec copies the parts of spec the fake keeps and returns later.
func cloneSpec(spec engine.ContainerSpec) engine.ContainerSpec {
	spec.Ports = slices.Clone(spec.Ports)
	if spec.Healthcheck != nil {
		h := *spec.Healthcheck
		h.Test = slices.Clone(h.Test)
		spec.Healthcheck = &h
	}
	if spec.StopTimeout != nil {
		d := *spec.StopTimeout
		spec.StopTimeout = &d
	}
	spec.Env, spec.Labels, spec.Mounts, spec.Networks = nil, nil, nil, nil
	spec.Sysctls, spec.Tmpfs = maps.Clone(spec.Sysctls), maps.Clone(spec.Tmpfs)
	spec.CapAdd, spec.CapDrop = slices.Clone(spec.CapAdd), slices.Clone(spec.CapDrop)
	spec.SecurityOpt, spec.GroupAdd, spec.Devices = slices.Clone(spec.SecurityOpt), slices.Clone(spec.GroupAdd), slices.Clone(spec.Devices)
	if spec.Logging != nil {
		l := *spec.Logging
		l.Options = maps.Clone(l.Options)
		spec.Logging = &l
	}
	return spec
}

// emitContainerLocked publishes a container event; its attributes are the
// container's labels, name and image, plus extra.
func (e *Engine) emitContainerLocked(c *container, action string, extra map[string]string) {
	attrs := mergeLabels(c.labels, extra)
	attrs["name"] = c.name
	attrs["image"] = c.spec.Image
	e.emit("container", action, c.id, attrs)
}
