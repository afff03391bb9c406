package fake

import (
	"context"
	"maps"
	"runtime"
	"slices"

	"github.com/berth-dev/berth/internal/engine"
)

// serverVersion is the Docker version the fake claims to be.
const serverVersion = "20.10.24-fake"

// Ping reports the configured API version and OS type "linux".
func (e *Engine) Ping(ctx context.Context) (engine.Ping, error) {
	if err := e.begin(ctx, engine.OpPing); err != nil {
		return engine.Ping{}, err
	}
	return engine.Ping{APIVersion: e.cfg.apiVersion, OSType: "linux"}, nil
}

// Version describes a Docker 20.10 daemon at the configured API version.
func (e *Engine) Version(ctx context.Context) (engine.Version, error) {
	if err := e.begin(ctx, engine.OpVersion); err != nil {
		return engine.Version{}, err
	}
	return engine.Version{
		ServerVersion: serverVersion, APIVersion: e.cfg.apiVersion, MinAPIVersion: "1.12",
		MaxAPIVersion: e.cfg.apiVersion, OS: "linux", Arch: runtime.GOARCH, KernelVersion: "6.1.0-fake",
	}, nil
}

// Info reports a stable ID ("FAKE:..." per instance), 2 CPUs, the
// configured memory and the current object counts.
func (e *Engine) Info(ctx context.Context) (engine.Info, error) {
	if err := e.begin(ctx, engine.OpInfo); err != nil {
		return engine.Info{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	in := engine.Info{
		ID: e.cfg.id, Name: "fake", ServerVersion: serverVersion, OperatingSystem: "Fake Linux",
		OSType: "linux", Architecture: runtime.GOARCH, NCPU: 2, MemTotal: e.cfg.memTotal,
		Containers: len(e.containers), Images: len(e.images),
	}
	for _, c := range e.containers {
		if c.state.Running {
			in.ContainersRunning++
		} else {
			in.ContainersStopped++
		}
	}
	return in, nil
}

// DiskUsage counts images, containers and volumes, with per-object
// detail; containers and volumes take no space, and the build cache is
// always empty.
func (e *Engine) DiskUsage(ctx context.Context) (engine.DiskUsage, error) {
	if err := e.begin(ctx, engine.OpDiskUsage); err != nil {
		return engine.DiskUsage{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var du engine.DiskUsage
	for _, im := range e.images {
		users := 0
		for _, c := range e.containers {
			if c.imageID == im.id {
				users++
			}
		}
		du.Images.Count++
		du.Images.Size += im.size
		if users > 0 {
			du.Images.Active++
		} else {
			du.Images.Reclaimable += im.size
		}
		du.ImageItems = append(du.ImageItems, engine.ImageUsage{ID: im.id, RepoTags: slices.Clone(im.tags),
			Labels: maps.Clone(im.labels), Created: im.created, Size: im.size, Containers: users})
	}
	for _, c := range e.containers {
		du.Containers.Count++
		if c.state.Running {
			du.Containers.Active++
		}
		du.ContainerItems = append(du.ContainerItems, engine.ContainerUsage{ID: c.id})
	}
	for name, v := range e.volumes {
		users := 0
		for _, c := range e.containers {
			if slices.ContainsFunc(c.mounts, func(m engine.Mount) bool { return m.Type == "volume" && m.Source == name }) {
				users++
			}
		}
		du.Volumes.Count++
		if users > 0 {
			du.Volumes.Active++
		}
		du.VolumeItems = append(du.VolumeItems, engine.VolumeUsage{Name: name, Labels: maps.Clone(v.labels), RefCount: users})
	}
	return du, nil
}
