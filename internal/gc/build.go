package gc

import (
	"slices"
	"strings"

	"github.com/berth-dev/berth/internal/labels"
	"github.com/berth-dev/berth/internal/store"
)

// Build makes the plan for facts f under settings s. It is pure and
// deterministic: the same facts give the same plan.
func Build(f Facts, s Settings) Plan {
	p := Plan{Mode: s.Mode}
	var containers, networks, volumes []Action
	protected := map[string]bool{} // environments nothing may be removed from
	planned := map[string]bool{}   // volume names already in the plan
	for _, g := range groups(f) {
		v := decide(g, f, s)
		if !v.teardown {
			p.Kept = append(p.Kept, Kept{Env: g.id, Reason: v.reason})
			protected[g.id] = v.protected
			continue
		}
		td := Teardown{Env: g.id, Reason: v.reason}
		if g.record != nil {
			td.Known, td.CreatedAt, td.IdleSince = true, g.record.Record.CreatedAt, g.record.Record.IdleSince
			td.Pooled = g.record.Record.State == store.StatePooled
		}
		p.Teardowns = append(p.Teardowns, td)
		for _, c := range g.containers {
			containers = append(containers, Action{Kind: KindContainer, ID: c.ID, Name: c.Name, Env: g.id, Reason: v.reason, Size: c.Size})
		}
		for _, n := range g.networks {
			networks = append(networks, Action{Kind: KindNetwork, ID: n.ID, Name: n.Name, Env: g.id, Reason: v.reason})
		}
		for _, vol := range g.volumes {
			volumes = append(volumes, Action{Kind: KindVolume, ID: vol.Name, Name: vol.Name, Env: g.id, Reason: v.reason, Size: vol.Size})
			planned[vol.Name] = true
		}
	}
	if s.Mode >= Normal {
		extra, kept := unusedVolumes(f, s, protected, planned)
		volumes = append(volumes, extra...)
		p.Kept = append(p.Kept, kept...)
	}
	p.Actions = slices.Concat(containers, networks, volumes)
	if s.Mode >= Normal {
		p.Actions = append(p.Actions, unusedImages(f, s)...)
	}
	if s.Mode >= Deep && (f.BuildCacheRecords > 0 || f.BuildCacheReclaimable > 0) {
		p.Actions = append(p.Actions, Action{Kind: KindBuildCache, Name: "build cache",
			Reason: "deep: every build cache record not in use", Size: f.BuildCacheReclaimable})
	}
	return p
}

// unusedVolumes are the volumes no container mounts that mode s.Mode
// reaches: berth's (not of a protected environment) from normal on, every
// one in deep. A volume younger than the minimum age is kept.
func unusedVolumes(f Facts, s Settings, protected, planned map[string]bool) (out []Action, kept []Kept) {
	vs := slices.Clone(f.Volumes)
	slices.SortFunc(vs, func(a, b Volume) int { return strings.Compare(a.Name, b.Name) })
	for _, v := range vs {
		if planned[v.Name] || v.RefCount != 0 {
			continue // in the plan already, in use, or unknown
		}
		env := v.Labels[labels.Env]
		reason := "unused berth volume"
		switch {
		case env != "" && protected[env]:
			continue
		case env != "" && f.identity().Foreign(v.Labels) != "":
			continue // another state directory's
		case env == "" && s.Mode < Deep:
			continue
		case env == "":
			reason = "deep: unused volume"
		}
		if v.Created.After(f.Now.Add(-s.MinAge)) {
			kept = append(kept, Kept{Name: "volume " + v.Name, Reason: "unused but younger than the minimum age " + dur(s.MinAge)})
			continue
		}
		out = append(out, Action{Kind: KindVolume, ID: v.Name, Name: v.Name, Env: env, Reason: reason, Size: v.Size})
	}
	return out, kept
}

// unusedImages are the images no container uses that mode s.Mode reaches:
// dangling ones this state directory's berth built from normal on, every
// one in deep. An image
// younger than the minimum age is left (a creator may be about to use it).
func unusedImages(f Facts, s Settings) []Action {
	ims := slices.Clone(f.Images)
	slices.SortFunc(ims, func(a, b Image) int { return strings.Compare(a.ID, b.ID) })
	var out []Action
	for _, im := range ims {
		if im.Containers != 0 || im.Created.After(f.Now.Add(-s.MinAge)) {
			continue // in use, unknown, or new
		}
		dangling := isDangling(im.Tags)
		var reason string
		switch {
		case s.Mode >= Deep && dangling:
			reason = "deep: dangling image"
		case s.Mode >= Deep:
			reason = "deep: unused image"
		case dangling && im.Labels[labels.Creator] != "" && f.ours(im.Labels):
			reason = "dangling image berth built"
		default:
			continue
		}
		size := im.Size
		if im.SharedSize > 0 && im.SharedSize <= size {
			size -= im.SharedSize
		}
		name := shortID(im.ID)
		if !dangling {
			name = im.Tags[0]
		}
		out = append(out, Action{Kind: KindImage, ID: im.ID, Name: name, Reason: reason, Size: size, Tags: realTags(im.Tags)})
	}
	return out
}

// realTags drops the "<none>:<none>" placeholder.
func realTags(tags []string) []string {
	var out []string
	for _, t := range tags {
		if t != "<none>:<none>" {
			out = append(out, t)
		}
	}
	return out
}

// isDangling reports whether an image with these tags has none.
func isDangling(tags []string) bool {
	return !slices.ContainsFunc(tags, func(t string) bool { return t != "<none>:<none>" })
}

// shortID is the first 12 hex digits of an image ID.
func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		id = id[:12]
	}
	return id
}
