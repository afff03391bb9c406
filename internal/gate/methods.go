package gate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/berth-dev/berth/internal/engine"
)

// The engine.Engine methods: each is one gated call of the wrapped engine.

func (g *Gate) Ping(ctx context.Context) (engine.Ping, error) {
	return run(ctx, g, engine.OpPing, g.inner.Ping)
}

func (g *Gate) Info(ctx context.Context) (engine.Info, error) {
	return run(ctx, g, engine.OpInfo, g.inner.Info)
}

func (g *Gate) Version(ctx context.Context) (engine.Version, error) {
	return run(ctx, g, engine.OpVersion, g.inner.Version)
}

// DiskUsage holds a lock shared by every berth process of the endpoint
// around the call: the daemon computes one disk usage at a time and
// refuses a second one meanwhile ("a disk usage operation is already
// running"), so berth's callers queue on the kernel lock instead. Another
// client's disk usage (docker system df, a berth with another state
// directory) can take seconds, so a transient refusal is retried, after
// the usual retries. Waiting for the lock and for the daemon together
// take at most [diskUsagePatience]; then the last refusal (or a timeout,
// transient too) is returned. A cancelled ctx returns its error.
func (g *Gate) DiskUsage(ctx context.Context) (engine.DiskUsage, error) {
	wctx, cancel := context.WithTimeout(ctx, diskUsagePatience)
	defer cancel()
	release, err := g.endpoint.Acquire(wctx, "disk-usage")
	if err != nil {
		if ctx.Err() != nil {
			return engine.DiskUsage{}, ctx.Err()
		}
		return engine.DiskUsage{}, engine.Wrap(engine.OpDiskUsage, engine.ErrTransient,
			fmt.Errorf("another berth process's disk usage did not finish within %s: %w", diskUsagePatience, err))
	}
	defer release()
	pause := 250 * time.Millisecond
	for {
		du, err := run(ctx, g, engine.OpDiskUsage, g.inner.DiskUsage)
		if err == nil || !errors.Is(err, engine.ErrTransient) {
			return du, err
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return du, ctx.Err()
		case <-wctx.Done():
			t.Stop()
			return du, err
		case <-t.C:
		}
		pause = min(2*pause, 2*time.Second)
	}
}

// diskUsagePatience bounds how long DiskUsage waits for the daemon to
// finish another client's disk usage.
const diskUsagePatience = 30 * time.Second

// Events passes the breaker once and is not retried: a stream that breaks
// is the caller's to reopen.
func (g *Gate) Events(ctx context.Context, f engine.EventFilter) (<-chan engine.Event, <-chan error) {
	start := time.Now()
	if err := g.admit(ctx); err != nil {
		g.stats.observe(engine.OpEvents, start, time.Since(start), 0, err, 0, true)
		errs := make(chan error, 1)
		errs <- err
		close(errs)
		events := make(chan engine.Event)
		close(events)
		return events, errs
	}
	g.stats.observe(engine.OpEvents, start, time.Since(start), 0, nil, 0, false)
	return g.inner.Events(ctx, f)
}

func (g *Gate) ContainerCreate(ctx context.Context, spec engine.ContainerSpec) (string, error) {
	return run(ctx, g, engine.OpContainerCreate, func(ctx context.Context) (string, error) {
		return g.inner.ContainerCreate(ctx, spec)
	})
}

func (g *Gate) ContainerStart(ctx context.Context, id string) error {
	return run0(ctx, g, engine.OpContainerStart, func(ctx context.Context) error {
		return g.inner.ContainerStart(ctx, id)
	})
}

func (g *Gate) ContainerStop(ctx context.Context, id string, opts engine.StopOptions) error {
	_, err := runWithin(ctx, g, engine.OpContainerStop, stopDeadline(opts.Timeout, g.cfg), HoldsSlot(engine.OpContainerStop, true), func(ctx context.Context) (struct{}, error) {
		return struct{}{}, g.inner.ContainerStop(ctx, id, opts)
	})
	return err
}

func (g *Gate) ContainerInspect(ctx context.Context, id string) (engine.Container, error) {
	return run(ctx, g, engine.OpContainerInspect, func(ctx context.Context) (engine.Container, error) {
		return g.inner.ContainerInspect(ctx, id)
	})
}

func (g *Gate) ContainerList(ctx context.Context, f engine.ListFilter) ([]engine.ContainerSummary, error) {
	return run(ctx, g, engine.OpContainerList, func(ctx context.Context) ([]engine.ContainerSummary, error) {
		return g.inner.ContainerList(ctx, f)
	})
}

func (g *Gate) ContainerRemove(ctx context.Context, id string, opts engine.RemoveOptions) error {
	return run0(ctx, g, engine.OpContainerRemove, func(ctx context.Context) error {
		return g.inner.ContainerRemove(ctx, id, opts)
	})
}

// ContainerLogs is retried only while no line was delivered: a stream
// that broke after some lines would repeat them.
func (g *Gate) ContainerLogs(ctx context.Context, id string, opts engine.LogOptions, line func(engine.LogLine)) error {
	delivered := false
	return run0(ctx, g, engine.OpContainerLogs, func(ctx context.Context) error {
		err := g.inner.ContainerLogs(ctx, id, opts, func(l engine.LogLine) {
			delivered = true
			line(l)
		})
		if delivered {
			return permanent(err)
		}
		return err
	})
}

func (g *Gate) ContainerStats(ctx context.Context, id string) (engine.Stats, error) {
	return run(ctx, g, engine.OpContainerStats, func(ctx context.Context) (engine.Stats, error) {
		return g.inner.ContainerStats(ctx, id)
	})
}

// ContainerExec is not retried: a command that may have run once must not
// be run again behind the caller's back. It spends the budget; a
// [engine.ExecSpec.Bounded] exec (a readiness probe) holds an operation
// slot for its whole run, and must come with a ctx deadline ([engine.ErrInvalid]
// without one: a slot held without end would stop every other berth
// process); any other exec holds none, since an interactive shell may
// stream for hours.
func (g *Gate) ContainerExec(ctx context.Context, id string, spec engine.ExecSpec) (engine.ExecResult, error) {
	const op = engine.OpContainerExec
	if _, ok := ctx.Deadline(); spec.Bounded && !ok {
		return engine.ExecResult{}, engine.Wrap(op, engine.ErrInvalid,
			errors.New("a bounded exec needs a context with a deadline: it holds an operation slot for its whole run"))
	}
	return runWithin(ctx, g, op, callDeadline(op, g.cfg), HoldsSlot(op, spec.Bounded), func(ctx context.Context) (engine.ExecResult, error) {
		res, err := g.inner.ContainerExec(ctx, id, spec)
		return res, permanent(err)
	})
}

func (g *Gate) NetworkCreate(ctx context.Context, spec engine.NetworkSpec) (string, error) {
	return run(ctx, g, engine.OpNetworkCreate, func(ctx context.Context) (string, error) {
		return g.inner.NetworkCreate(ctx, spec)
	})
}

func (g *Gate) NetworkInspect(ctx context.Context, id string) (engine.Network, error) {
	return run(ctx, g, engine.OpNetworkInspect, func(ctx context.Context) (engine.Network, error) {
		return g.inner.NetworkInspect(ctx, id)
	})
}

func (g *Gate) NetworkList(ctx context.Context, f engine.ListFilter) ([]engine.Network, error) {
	return run(ctx, g, engine.OpNetworkList, func(ctx context.Context) ([]engine.Network, error) {
		return g.inner.NetworkList(ctx, f)
	})
}

func (g *Gate) NetworkDisconnect(ctx context.Context, network, container string) error {
	return run0(ctx, g, engine.OpNetworkDisconnect, func(ctx context.Context) error {
		return g.inner.NetworkDisconnect(ctx, network, container)
	})
}

func (g *Gate) NetworkRemove(ctx context.Context, id string) error {
	return run0(ctx, g, engine.OpNetworkRemove, func(ctx context.Context) error {
		return g.inner.NetworkRemove(ctx, id)
	})
}

func (g *Gate) VolumeCreate(ctx context.Context, spec engine.VolumeSpec) (engine.Volume, error) {
	return run(ctx, g, engine.OpVolumeCreate, func(ctx context.Context) (engine.Volume, error) {
		return g.inner.VolumeCreate(ctx, spec)
	})
}

func (g *Gate) VolumeList(ctx context.Context, f engine.ListFilter) ([]engine.Volume, error) {
	return run(ctx, g, engine.OpVolumeList, func(ctx context.Context) ([]engine.Volume, error) {
		return g.inner.VolumeList(ctx, f)
	})
}

func (g *Gate) VolumeRemove(ctx context.Context, name string) error {
	return run0(ctx, g, engine.OpVolumeRemove, func(ctx context.Context) error {
		return g.inner.VolumeRemove(ctx, name)
	})
}

// ImageInspect also fills in LastTagTime from berth's record of its own
// pulls of ref when that is later: the daemon does not always know when
// it pulled an image, and the periodic pull policies need to.
func (g *Gate) ImageInspect(ctx context.Context, ref string) (engine.Image, error) {
	im, err := run(ctx, g, engine.OpImageInspect, func(ctx context.Context) (engine.Image, error) {
		return g.inner.ImageInspect(ctx, ref)
	})
	if err == nil {
		if at := g.lastPull(ctx, ref); at.After(im.LastTagTime) {
			im.LastTagTime = at
		}
	}
	return im, err
}

func (g *Gate) ImageRemove(ctx context.Context, ref string) error {
	return run0(ctx, g, engine.OpImageRemove, func(ctx context.Context) error {
		return g.inner.ImageRemove(ctx, ref)
	})
}

// ImageImport is not retried: the tarball reader is consumed by the first
// attempt. It still passes the breaker, the budget and a slot.
func (g *Gate) ImageImport(ctx context.Context, rootfs io.Reader, ref string, changes []string) error {
	return run0(ctx, g, engine.OpImageImport, func(ctx context.Context) error {
		return permanent(g.inner.ImageImport(ctx, rootfs, ref, changes))
	})
}

func (g *Gate) BuildCachePrune(ctx context.Context, opts engine.PruneOptions) (engine.PruneReport, error) {
	return run(ctx, g, engine.OpBuildCachePrune, func(ctx context.Context) (engine.PruneReport, error) {
		return g.inner.BuildCachePrune(ctx, opts)
	})
}
