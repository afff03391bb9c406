package berth

import (
	"context"
	"fmt"

	"github.com/berth-dev/berth/internal/engine"
	"github.com/berth-dev/berth/internal/gc"
	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/lock"
	"github.com/berth-dev/berth/internal/store"
)

// gcFacts gathers what a cleanup plan is made from: the store's
// environments and live leases, berth-labelled containers and networks,
// every volume, which environment locks are held, and, when measure is
// set, sizes from the daemon's disk usage (also every image, for the
// normal and deep modes). before is the disk use then, when measured. In
// mode safe a failed measurement is only a warning: sizes are then unknown.
func (m *Manager) gcFacts(ctx context.Context, db store.Store, locks lock.Dir, mode gc.Mode, measure bool) (f gc.Facts, before *DiskTotals, warning string, err error) {
	f = gc.Facts{Now: m.now(), State: m.stateID, Host: m.host, Busy: map[string]bool{}, BuildCacheReclaimable: -1}
	if f.StoreCreated, err = db.CreatedAt(ctx); err != nil {
		return f, nil, "", err
	}
	recs, err := db.Envs(ctx)
	if err != nil {
		return f, nil, "", err
	}
	for _, r := range recs {
		live, dead, err := m.leases(ctx, db, r.ID)
		if err != nil {
			return f, nil, "", err
		}
		f.Envs = append(f.Envs, gc.Env{Record: r, LiveLeases: len(live), DeadLeases: len(dead)})
	}
	var du engine.DiskUsage
	if measure {
		du, err = m.conn.DiskUsage(ctx)
		switch {
		case err == nil:
			before = totals(du)
		case mode == gc.Safe:
			// Sizes only inform a safe plan: go on without them.
			warning = fmt.Sprintf("sizes unknown: the daemon's disk usage failed: %v", err)
			measure = false
		default:
			return f, nil, "", fmt.Errorf("gc: disk usage (mode %s needs it to know what is unused): %w", mode, err)
		}
	}
	if err := m.gcResources(ctx, &f, du, measure); err != nil {
		return f, nil, "", err
	}
	if mode >= gc.Normal {
		f.Images = images(du)
		f.BuildCacheRecords, f.BuildCacheReclaimable = du.BuildCache.Count, du.BuildCache.Reclaimable
	}
	for _, id := range gc.Candidates(f) {
		release, ok, err := locks.TryAcquire("env-" + id)
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

// gcResources lists berth's containers (inspecting those that stopped,
// for their exit code) and networks, and every volume, with sizes from du
// when measured.
func (m *Manager) gcResources(ctx context.Context, f *gc.Facts, du engine.DiskUsage, measure bool) error {
	ours := map[string]string{labels.Env: ""}
	known := map[string]bool{} // environments of the store
	for _, e := range f.Envs {
		known[e.Record.ID] = true
	}
	cs, err := m.conn.ContainerList(ctx, engine.ListFilter{All: true, Labels: ours})
	if err != nil {
		return fmt.Errorf("gc: list containers: %w", err)
	}
	sizes := map[string]int64{}
	for _, c := range du.ContainerItems {
		sizes[c.ID] = c.SizeRw
	}
	for _, c := range cs {
		gcc := gc.Container{ID: c.ID, Name: c.Name, Labels: c.Labels, State: c.State, Created: c.Created, Size: -1}
		if s, ok := sizes[c.ID]; ok {
			gcc.Size = s
		}
		if (c.State == "exited" || c.State == "dead") && (c.Labels[labels.State] == f.State || known[c.Labels[labels.Env]]) {
			in, err := m.conn.ContainerInspect(ctx, c.ID)
			if err == nil {
				gcc.ExitCode, gcc.OOMKilled = in.State.ExitCode, in.State.OOMKilled
			}
		}
		f.Containers = append(f.Containers, gcc)
	}
	ns, err := m.conn.NetworkList(ctx, engine.ListFilter{Labels: ours})
	if err != nil {
		return fmt.Errorf("gc: list networks: %w", err)
	}
	for _, n := range ns {
		f.Networks = append(f.Networks, gc.Network{ID: n.ID, Name: n.Name, Labels: n.Labels, Created: n.Created})
	}
	vs, err := m.conn.VolumeList(ctx, engine.ListFilter{})
	if err != nil {
		return fmt.Errorf("gc: list volumes: %w", err)
	}
	usage := map[string]engine.VolumeUsage{}
	for _, v := range du.VolumeItems {
		usage[v.Name] = v
	}
	for _, v := range vs {
		gv := gc.Volume{Name: v.Name, Labels: v.Labels, Created: v.CreatedAt, Size: -1, RefCount: -1}
		if u, ok := usage[v.Name]; ok && measure {
			gv.Size, gv.RefCount = u.Size, u.RefCount
		}
		f.Volumes = append(f.Volumes, gv)
	}
	return nil
}

func images(du engine.DiskUsage) []gc.Image {
	out := make([]gc.Image, 0, len(du.ImageItems))
	for _, im := range du.ImageItems {
		out = append(out, gc.Image{ID: im.ID, Tags: im.RepoTags, Labels: im.Labels, Created: im.Created,
			Size: im.Size, SharedSize: im.SharedSize, Containers: im.Containers})
	}
	return out
}

func totals(du engine.DiskUsage) *DiskTotals {
	return &DiskTotals{Images: du.Images.Size, Containers: du.Containers.Size, Volumes: du.Volumes.Size, BuildCache: du.BuildCache.Size}
}

// diskTotals asks the daemon for its disk use now.
func (m *Manager) diskTotals(ctx context.Context) (*DiskTotals, error) {
	du, err := m.conn.DiskUsage(ctx)
	if err != nil {
		return nil, fmt.Errorf("gc: disk usage after: %w", err)
	}
	return totals(du), nil
}
