package gc

import (
	"context"
	"fmt"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lock"
)

// gather collects what a plan is made from: the store's environments and
// their leases, berth-labelled containers and networks, every volume,
// which environment locks are held, and, when measure is set, sizes from
// the daemon's disk usage (also every image, for the normal and deep
// modes). before is the disk use then, when measured. In mode safe a
// failed measurement is only a warning: sizes are then unknown.
func (c *Collector) gather(ctx context.Context, mode Mode, measure bool) (f Facts, before *DiskTotals, warning string, err error) {
	f = Facts{Now: c.Clock.Now(), State: c.State.Path, StateID: c.State.ID, Host: c.Host, Busy: map[string]bool{}, BuildCacheReclaimable: -1}
	if f.StoreCreated, err = c.Store.CreatedAt(ctx); err != nil {
		return f, nil, "", err
	}
	recs, err := c.Store.Envs(ctx)
	if err != nil {
		return f, nil, "", err
	}
	if f.Pools, err = c.Store.Pools(ctx); err != nil {
		return f, nil, "", err
	}
	for _, r := range recs {
		live, dead, err := c.Leases.Split(ctx, r.ID)
		if err != nil {
			return f, nil, "", err
		}
		f.Envs = append(f.Envs, Env{Record: r, LiveLeases: len(live), DeadLeases: len(dead)})
	}
	var du engine.DiskUsage
	if measure {
		du, err = c.Engine.DiskUsage(ctx)
		switch {
		case err == nil:
			before = totals(du)
		case mode == Safe:
			// Sizes only inform a safe plan: go on without them.
			warning = fmt.Sprintf("sizes unknown: the daemon's disk usage failed: %v", err)
			measure = false
		default:
			return f, nil, "", fmt.Errorf("gc: disk usage (mode %s needs it to know what is unused): %w", mode, err)
		}
	}
	if err := c.resources(ctx, &f, du, measure); err != nil {
		return f, nil, "", err
	}
	if mode >= Normal {
		f.Images = images(du)
		f.BuildCacheRecords, f.BuildCacheReclaimable = du.BuildCache.Count, du.BuildCache.Reclaimable
	}
	for _, id := range Candidates(f) {
		release, ok, err := c.Locks.TryAcquire(lock.EnvName(id))
		if err != nil {
			return f, nil, "", err
		}
		if !ok {
			f.Busy[id] = true
			continue
		}
		if err := release(); err != nil {
			return f, nil, "", err
		}
	}
	return f, before, warning, nil
}

// resources lists berth's containers (inspecting those that stopped, for
// their exit code) and networks, and every volume, with sizes from du
// when measured.
func (c *Collector) resources(ctx context.Context, f *Facts, du engine.DiskUsage, measure bool) error {
	ours := map[string]string{labels.Env: ""}
	known := map[string]bool{} // environments of the store
	for _, e := range f.Envs {
		known[e.Record.ID] = true
	}
	list, err := c.Engine.ContainerList(ctx, engine.ListFilter{All: true, Labels: ours})
	if err != nil {
		return fmt.Errorf("gc: list containers: %w", err)
	}
	sizes := map[string]int64{}
	for _, ci := range du.ContainerItems {
		sizes[ci.ID] = ci.SizeRw
	}
	for _, s := range list {
		gcc := Container{ID: s.ID, Name: s.Name, Labels: s.Labels, State: s.State, Created: s.Created, Size: -1}
		if size, ok := sizes[s.ID]; ok {
			gcc.Size = size
		}
		if (s.State == "exited" || s.State == "dead") && (f.ours(s.Labels) || known[s.Labels[labels.Env]]) {
			in, err := c.Engine.ContainerInspect(ctx, s.ID)
			if err == nil {
				gcc.ExitCode, gcc.OOMKilled = in.State.ExitCode, in.State.OOMKilled
			}
		}
		f.Containers = append(f.Containers, gcc)
	}
	ns, err := c.Engine.NetworkList(ctx, engine.ListFilter{Labels: ours})
	if err != nil {
		return fmt.Errorf("gc: list networks: %w", err)
	}
	for _, n := range ns {
		f.Networks = append(f.Networks, Network{ID: n.ID, Name: n.Name, Labels: n.Labels, Created: n.Created})
	}
	vs, err := c.Engine.VolumeList(ctx, engine.ListFilter{})
	if err != nil {
		return fmt.Errorf("gc: list volumes: %w", err)
	}
	usage := map[string]engine.VolumeUsage{}
	for _, v := range du.VolumeItems {
		usage[v.Name] = v
	}
	for _, v := range vs {
		gv := Volume{Name: v.Name, Labels: v.Labels, Created: v.CreatedAt, Size: -1, RefCount: -1}
		if u, ok := usage[v.Name]; ok && measure {
			gv.Size, gv.RefCount = u.Size, u.RefCount
		}
		f.Volumes = append(f.Volumes, gv)
	}
	return nil
}

func images(du engine.DiskUsage) []Image {
	out := make([]Image, 0, len(du.ImageItems))
	for _, im := range du.ImageItems {
		out = append(out, Image{ID: im.ID, Tags: im.RepoTags, Labels: im.Labels, Created: im.Created,
			Size: im.Size, SharedSize: im.SharedSize, Containers: im.Containers})
	}
	return out
}

func totals(du engine.DiskUsage) *DiskTotals {
	return &DiskTotals{Images: du.Images.Size, Containers: du.Containers.Size, Volumes: du.Volumes.Size, BuildCache: du.BuildCache.Size}
}

// diskTotals asks the daemon for its disk use now.
func (c *Collector) diskTotals(ctx context.Context) (*DiskTotals, error) {
	du, err := c.Engine.DiskUsage(ctx)
	if err != nil {
		return nil, fmt.Errorf("gc: disk usage after: %w", err)
	}
	return totals(du), nil
}
