package gc

import (
	"slices"
	"time"

	"github.com/berth-dev/berth/internal/labels"
)

// group is everything labelled with one environment ID.
type group struct {
	id         string
	record     *Env // nil: unknown to the store (an orphan)
	containers []Container
	networks   []Network
	volumes    []Volume
}

// groups collects the labelled resources by environment, with the store's
// environments (also those with no resources left), sorted by ID.
func groups(f Facts) []*group {
	by := map[string]*group{}
	get := func(id string) *group {
		g := by[id]
		if g == nil {
			g = &group{id: id}
			by[id] = g
		}
		return g
	}
	for i := range f.Envs {
		get(f.Envs[i].Record.ID).record = &f.Envs[i]
	}
	for _, c := range f.Containers {
		if id := c.Labels[labels.Env]; id != "" {
			g := get(id)
			g.containers = append(g.containers, c)
		}
	}
	for _, n := range f.Networks {
		if id := n.Labels[labels.Env]; id != "" {
			g := get(id)
			g.networks = append(g.networks, n)
		}
	}
	for _, v := range f.Volumes {
		if id := v.Labels[labels.Env]; id != "" {
			g := get(id)
			g.volumes = append(g.volumes, v)
		}
	}
	out := make([]*group, 0, len(by))
	for _, g := range by {
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *group) int {
		switch {
		case a.id < b.id:
			return -1
		case a.id > b.id:
			return 1
		}
		return 0
	})
	return out
}

// labelSets returns the label maps of every resource of g.
func (g *group) labelSets() []map[string]string {
	var out []map[string]string
	for _, c := range g.containers {
		out = append(out, c.Labels)
	}
	for _, n := range g.networks {
		out = append(out, n.Labels)
	}
	for _, v := range g.volumes {
		out = append(out, v.Labels)
	}
	return out
}

// foreignState describes the first state labels on g's resources that
// name another state than ours ([labels.Identity.Foreign]), or is "".
func (g *group) foreignState(ours labels.Identity) string {
	for _, m := range g.labelSets() {
		if s := ours.Foreign(m); s != "" {
			return s
		}
	}
	return ""
}

// unstamped reports whether some resource of g has no state label (made
// by a berth older than the label).
func (g *group) unstamped() bool {
	for _, m := range g.labelSets() {
		if !labels.Stamped(m) {
			return true
		}
	}
	return false
}

// otherHost returns the first creator host on g's resources that is not
// host, or "".
func (g *group) otherHost(host string) string {
	for _, m := range g.labelSets() {
		if h := labels.CreatorHost(m); h != "" && h != host {
			return h
		}
	}
	return ""
}

// createdRange returns the oldest and newest creation times of g's
// resources (zero when it has none).
func (g *group) createdRange() (oldest, newest time.Time) {
	note := func(t time.Time) {
		if t.IsZero() {
			return
		}
		if oldest.IsZero() || t.Before(oldest) {
			oldest = t
		}
		if t.After(newest) {
			newest = t
		}
	}
	for _, c := range g.containers {
		note(c.Created)
	}
	for _, n := range g.networks {
		note(n.Created)
	}
	for _, v := range g.volumes {
		note(v.Created)
	}
	return oldest, newest
}

// running reports whether a container of g runs (or is starting, paused or
// being restarted): the environment may be in use.
func (g *group) running() bool {
	return slices.ContainsFunc(g.containers, func(c Container) bool {
		return c.State != "exited" && c.State != "dead" && c.State != "created"
	})
}

// died returns a description of the first container of g that died, or "".
func (g *group) died() string {
	for _, c := range g.containers {
		switch {
		case c.OOMKilled && c.State != "running":
			return "container " + c.Name + " was OOM-killed"
		case c.State == "dead":
			return "container " + c.Name + " is dead"
		case c.State == "exited" && c.ExitCode != 0:
			return "container " + c.Name + " exited with code " + itoa(c.ExitCode)
		}
	}
	return ""
}

// Candidates are the environments a plan could take down: those of the
// store and those with a resource stamped with this state directory. Only
// their locks need probing for [Facts.Busy]; another directory's
// environments are never probed (their lock files are not ours to make).
func Candidates(f Facts) []string {
	var out []string
	for _, g := range groups(f) {
		if g.record != nil || slices.ContainsFunc(g.labelSets(), f.ours) {
			out = append(out, g.id)
		}
	}
	return out
}
