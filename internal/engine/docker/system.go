package docker

import (
	"context"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/volume"

	"github.com/moby/moby/client"

	"github.com/berth-dev/berth/internal/engine"
)

// Ping asks the daemon whether it is up, negotiating the API version on the
// first call.
func (e *Engine) Ping(ctx context.Context) (engine.Ping, error) {
	p, err := e.cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true})
	if err != nil {
		return engine.Ping{}, wrap(engine.OpPing, err)
	}
	return engine.Ping{APIVersion: p.APIVersion, OSType: p.OSType}, nil
}

// Info returns the daemon's system information.
func (e *Engine) Info(ctx context.Context) (engine.Info, error) {
	r, err := e.cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		return engine.Info{}, wrap(engine.OpInfo, err)
	}
	i := r.Info
	return engine.Info{
		ID:                i.ID,
		Name:              i.Name,
		ServerVersion:     i.ServerVersion,
		OperatingSystem:   i.OperatingSystem,
		OSType:            i.OSType,
		Architecture:      i.Architecture,
		NCPU:              i.NCPU,
		MemTotal:          i.MemTotal,
		Containers:        i.Containers,
		ContainersRunning: i.ContainersRunning,
		ContainersStopped: i.ContainersStopped,
		Images:            i.Images,
	}, nil
}

// Version returns the daemon's version and the API version in use.
func (e *Engine) Version(ctx context.Context) (engine.Version, error) {
	v, err := e.cli.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return engine.Version{}, wrap(engine.OpVersion, err)
	}
	out := engine.Version{
		ServerVersion: v.Version,
		APIVersion:    e.cli.ClientVersion(),
		MinAPIVersion: v.MinAPIVersion,
		MaxAPIVersion: v.APIVersion,
		OS:            v.Os,
		Arch:          v.Arch,
	}
	for _, c := range v.Components {
		if c.Name == "Engine" {
			out.KernelVersion = c.Details["KernelVersion"]
		}
	}
	return out, nil
}

// DiskUsage returns the daemon's disk usage per category. Counts, active
// objects, sizes and reclaimable bytes are computed as the docker CLI does
// ("docker system df"): images not used by any container, the writable
// layers of stopped containers, volumes no container references, and build
// cache records neither in use nor shared.
func (e *Engine) DiskUsage(ctx context.Context) (engine.DiskUsage, error) {
	r, err := e.cli.DiskUsage(ctx, client.DiskUsageOptions{
		Containers: true, Images: true, Volumes: true, BuildCache: true, Verbose: true,
	})
	if err != nil {
		return engine.DiskUsage{}, wrap(engine.OpDiskUsage, err)
	}
	cat := func(count, active, size, reclaimable int64) engine.UsageCategory {
		return engine.UsageCategory{Count: int(count), Active: int(active), Size: size, Reclaimable: reclaimable}
	}
	return engine.DiskUsage{
		Images:     cat(r.Images.TotalCount, r.Images.ActiveCount, r.Images.TotalSize, r.Images.Reclaimable),
		Containers: cat(r.Containers.TotalCount, r.Containers.ActiveCount, r.Containers.TotalSize, r.Containers.Reclaimable),
		Volumes:    cat(r.Volumes.TotalCount, r.Volumes.ActiveCount, r.Volumes.TotalSize, r.Volumes.Reclaimable),
		BuildCache: cat(r.BuildCache.TotalCount, r.BuildCache.ActiveCount, r.BuildCache.TotalSize, r.BuildCache.Reclaimable),

		ImageItems:     imageUsage(r.Images.Items),
		ContainerItems: containerUsage(r.Containers.Items),
		VolumeItems:    volumeUsage(r.Volumes.Items),
	}, nil
}

func imageUsage(items []image.Summary) []engine.ImageUsage {
	out := make([]engine.ImageUsage, 0, len(items))
	for _, im := range items {
		out = append(out, engine.ImageUsage{ID: im.ID, RepoTags: im.RepoTags, Labels: im.Labels,
			Created: time.Unix(im.Created, 0), Size: im.Size, SharedSize: im.SharedSize,
			Containers: int(im.Containers)})
	}
	return out
}

func containerUsage(items []container.Summary) []engine.ContainerUsage {
	out := make([]engine.ContainerUsage, 0, len(items))
	for _, c := range items {
		out = append(out, engine.ContainerUsage{ID: c.ID, SizeRw: c.SizeRw})
	}
	return out
}

func volumeUsage(items []volume.Volume) []engine.VolumeUsage {
	out := make([]engine.VolumeUsage, 0, len(items))
	for _, v := range items {
		u := engine.VolumeUsage{Name: v.Name, Labels: v.Labels, Size: -1, RefCount: -1}
		if v.UsageData != nil {
			u.Size, u.RefCount = v.UsageData.Size, int(v.UsageData.RefCount)
		}
		out = append(out, u)
	}
	return out
}
