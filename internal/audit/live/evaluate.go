package live

import (
	"cmp"
	"slices"
	"time"

	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/memory"
)

// Evaluate turns the facts into the resource section. It is pure.
func Evaluate(f Facts) Resources {
	if !f.Reachable {
		r := NotChecked("cannot reach the Docker daemon at " + f.Endpoint + ": " + f.Unreachable)
		r.Endpoint = f.Endpoint
		return r
	}
	r := NotChecked("")
	r.Checked, r.Endpoint, r.Errors = true, f.Endpoint, f.Errors
	r.Daemon = &Daemon{ServerVersion: f.Info.ServerVersion, CPUs: f.Info.NCPU, Memory: f.Info.MemTotal,
		ContainersRunning: f.Info.ContainersRunning, Containers: f.Info.Containers}
	r.Disk = disk(f)
	stopped(f, &r)
	memoryUse(f, &r)
	volumes(f, &r)
	staleEnvs(f, &r)
	r.Lines = lines(r)
	r.Alerts = alerts(r)
	return r
}

func usage(count, active int, size, reclaimable int64) Usage {
	u := Usage{Count: count, Active: active, Size: size, Reclaimable: reclaimable}
	if size > 0 {
		u.Percent = float64(reclaimable) * 100 / float64(size)
	}
	return u
}

func disk(f Facts) *Disk {
	d := f.Disk
	return &Disk{
		Images:     usage(d.Images.Count, d.Images.Active, d.Images.Size, d.Images.Reclaimable),
		Containers: usage(d.Containers.Count, d.Containers.Active, d.Containers.Size, d.Containers.Reclaimable),
		Volumes:    usage(d.Volumes.Count, d.Volumes.Active, d.Volumes.Size, d.Volumes.Reclaimable),
		BuildCache: usage(d.BuildCache.Count, d.BuildCache.Active, d.BuildCache.Size, d.BuildCache.Reclaimable),
	}
}

func age(now, t time.Time) int64 {
	if t.IsZero() || t.After(now) {
		return 0
	}
	return int64(now.Sub(t) / time.Second)
}

// stopped lists exited, dead and created containers, oldest first.
func stopped(f Facts, r *Resources) {
	for _, c := range f.Containers {
		switch c.State {
		case "exited", "dead", "created":
			r.Stopped = append(r.Stopped, Stopped{ID: short(c.ID), Name: c.Name, Image: c.Image, State: c.State,
				Status: c.Status, Age: age(f.Now, c.Created), Berth: labels.Owned(c.Labels)})
		}
	}
	slices.SortStableFunc(r.Stopped, func(a, b Stopped) int { return cmp.Compare(b.Age, a.Age) })
}

// memoryUse measures running containers against their limits, highest
// first, and adds up the limits against the daemon's memory.
func memoryUse(f Facts, r *Resources) {
	c := &Commitment{DaemonMemory: f.Info.MemTotal}
	for _, ct := range f.Containers {
		if ct.State != "running" || !ct.Inspected {
			continue
		}
		if ct.MemoryLimit <= 0 {
			r.NoLimit = append(r.NoLimit, ct.Name)
			c.Unlimited++
			continue
		}
		c.LimitsSum += ct.MemoryLimit
		if ct.Sample == nil {
			continue
		}
		pct, high := memory.Pressure(ct.Sample.MemoryUsage, ct.MemoryLimit)
		r.Memory = append(r.Memory, MemoryUse{ID: short(ct.ID), Name: ct.Name, Usage: ct.Sample.MemoryUsage,
			Limit: ct.MemoryLimit, Percent: pct, High: high})
	}
	slices.Sort(r.NoLimit)
	slices.SortStableFunc(r.Memory, func(a, b MemoryUse) int { return cmp.Compare(b.Percent, a.Percent) })
	if c.DaemonMemory > 0 {
		c.Percent = float64(c.LimitsSum) * 100 / float64(c.DaemonMemory)
	}
	c.Overcommitted = c.DaemonMemory > 0 && c.LimitsSum > c.DaemonMemory
	r.Commit = c
}

// volumes lists the volumes no container uses, largest first.
func volumes(f Facts, r *Resources) {
	for _, v := range f.Disk.VolumeItems {
		if v.RefCount == 0 {
			r.Volumes = append(r.Volumes, Volume{Name: v.Name, Size: v.Size, Berth: labels.Owned(v.Labels)})
		}
	}
	slices.SortStableFunc(r.Volumes, func(a, b Volume) int { return cmp.Or(cmp.Compare(b.Size, a.Size), cmp.Compare(a.Name, b.Name)) })
}

// staleEnvs groups berth-labelled containers by environment and keeps
// the environments older than the stale age (by their creation label,
// else their oldest container).
func staleEnvs(f Facts, r *Resources) {
	envs := map[string]*Env{}
	created := map[string]time.Time{}
	for _, c := range f.Containers {
		id := c.Labels[labels.Env]
		if id == "" {
			continue
		}
		e, ok := envs[id]
		if !ok {
			e = &Env{ID: id, Project: c.Labels[labels.ComposeProject], StaleAfter: int64(f.StaleAfter / time.Second)}
			envs[id] = e
		}
		e.Containers++
		if c.State == "running" {
			e.Running++
		}
		t, err := time.Parse(time.RFC3339, c.Labels[labels.Created])
		if err != nil {
			t = c.Created
		}
		if old, ok := created[id]; !ok || t.Before(old) {
			created[id] = t
		}
	}
	for id, e := range envs {
		e.Age = age(f.Now, created[id])
		if f.StaleAfter > 0 && e.Age > e.StaleAfter {
			r.StaleEnv = append(r.StaleEnv, *e)
		}
	}
	slices.SortFunc(r.StaleEnv, func(a, b Env) int { return cmp.Or(cmp.Compare(b.Age, a.Age), cmp.Compare(a.ID, b.ID)) })
}

func short(id string) string { return id[:min(len(id), 12)] }
